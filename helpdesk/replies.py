"""A hub's reply template written out for one request: its text in the request's language, placeholders
filled.

Only the four placeholders below are replaced, in one pass over the template's text: no format string is
ever evaluated (``"{0.__class__}"`` stays as typed), and a value that itself contains ``{city}`` (a title, a
name) is not replaced again.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from helpdesk.models import Language, ReplyTemplate, SupportRequest

PLACEHOLDERS = ("city", "reference", "deadline", "focal_point")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def template_body(template: ReplyTemplate, language: str) -> str:
    """The template's text in ``language``, else the first language it is written in."""
    wanted = language if language in Language.values else Language.EN
    bodies = [getattr(template, f"body_{wanted}"), template.body_en, template.body_fr, template.body_ar]
    return next((body for body in bodies if body), "")


def placeholder_values(request: SupportRequest) -> dict[str, str]:
    """What each placeholder reads for ``request`` (fetched with its city and filer), in its language."""
    language = request.language if request.language in Language.values else Language.EN
    with translation.override(language):
        deadline = (
            date_format(timezone.localtime(request.due_at), "DATE_FORMAT")
            if request.due_at
            else gettext("no deadline yet")
        )
        focal_point = str(request.submitted_by) if request.submitted_by_id else gettext("the focal point")
    return {"city": request.city.name, "reference": request.reference, "deadline": deadline, "focal_point": focal_point}


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each known placeholder replaced by its value; anything else in braces left alone."""
    replace: Callable[[re.Match[str]], str] = lambda match: values.get(match.group(1), match.group(0))  # noqa: E731
    return _PLACEHOLDER.sub(replace, text)


def template_render(template: ReplyTemplate, request: SupportRequest) -> str:
    """``template`` written out for ``request``: the request's language, placeholders filled."""
    return fill(template_body(template, request.language), placeholder_values(request))
