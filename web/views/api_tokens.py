"""A person's personal API tokens on their profile: the list, making one (its key shown once), revoking one.

The key exists only in the response that answers the form: it is never put in the session or a message, and
the page is not cached (``never_cache``, and no-store for every signed-in page). A token reaches the API
without the second factor, so only a session that proved one may make it; without one the page says why and
links to the set-up.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helpdesk.selectors import api_tokens_of
from helpdesk.services import api_token_create, api_token_revoke
from web.forms.api_tokens import ApiTokenForm
from web.ratelimits import limit_posts
from web.two_factor import VERIFIED, session_state
from web.views.common import service_refusal_show, signed_in

TEMPLATE = "web/account/api_tokens.html"


@never_cache
@login_required
@limit_posts
def api_tokens(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    verified = session_state(request, person) == VERIFIED
    form = ApiTokenForm(request.POST or None)
    made = key = None
    if request.method == "POST" and verified and form.is_valid():
        try:
            made, key = api_token_create(
                owner=person,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                second_factor_verified=verified,
            )
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        except PermissionDenied:
            # Active and with a role, but not allowed the API (a suspended expert): the desk's pages say so too.
            form.add_error(None, _("Your account may not use the API."))
        else:
            form = ApiTokenForm()  # the key is shown: the form below is empty again for the next one
    now = timezone.now()
    tokens = [(token, token.state(now)) for token in api_tokens_of(person)]
    context = {
        "form": form,
        "verified": verified,
        "tokens": tokens,
        "made": made,
        "key": key,
        "setup_url": f"{reverse('two-factor-setup')}?next={reverse('api-tokens')}",
    }
    return render(request, TEMPLATE, context)


@require_POST
@login_required
@limit_posts
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's tokens (confirmed in the page's dialog, or on the page this answers)."""
    person = signed_in(request)
    token = api_tokens_of(person).filter(pk=pk).first()
    if token is None:  # someone else's token, or none: the same answer (no probing)
        raise Http404
    if request.POST.get("confirm") != "on":
        # Without script the page's dialog did not ask: this page does, before anything changes.
        return render(request, "web/account/api_token_revoke.html", {"token": token})
    api_token_revoke(token=token, actor=person)
    messages.success(request, _("The token is revoked: the API refuses it from now on."))
    return HttpResponseRedirect(reverse("api-tokens"))
