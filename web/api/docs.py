"""The API's two documentation pages, from drf-spectacular's sidecar package (no CDN), under the desk's CSP.

Swagger UI: the split view, whose start-up script is a file of its own (``?script``) rather than an inline
``<script>`` that ``script-src 'self'`` refuses; the page's template (``templates/api/swagger_ui.html``) drops
the package's inline ``<style>`` for a file.

Redoc draws itself with styled-components and style-loader, which write ``<style>`` elements as the bundle
loads, before any option (Redoc's ``nonce``) could reach them, and it sets ``style`` attributes in its markup:
no nonce or hash can cover those, and without them the page stays blank (styled-components throws). So this
one view's ``style-src`` allows ``'unsafe-inline'``; its ``script-src`` stays ``'self'`` (styles cannot run
code), and the page holds no desk data, only the public schema. Its template (``templates/api/redoc.html``)
also drops the package's Google Fonts link and inline script. Redoc runs its search in a Web Worker made from
a ``blob:`` URL (Redoc's own code, from the same file), which ``default-src 'self'`` would refuse.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

# Public pages: they describe the API, not the desk's data.
OPEN: dict[str, list[object]] = {"permission_classes": [], "authentication_classes": []}


class SwaggerDocs(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


@method_decorator(csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}), name="dispatch")
class RedocDocs(SpectacularRedocView):
    template_name = "api/redoc.html"
