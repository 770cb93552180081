"""A hub's reply templates: the staff's page to keep them, and what the request page offers of them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import services
from helpdesk.access import scope
from helpdesk.models import ReplyTemplate, Role, SupportRequest, User
from helpdesk.replies import PLACEHOLDERS, fill, placeholder_values, template_body, template_render
from helpdesk.selectors import hub_reply_templates, reply_templates_for, reply_templates_kept
from web.forms.replies import ReplyTemplateForm
from web.forms.requests import MessageForm
from web.params import parse_id
from web.ratelimits import limit_posts
from web.views.common import role_required, signed_in


def _hub_template(user: User, pk: int) -> ReplyTemplate:
    # Another hub's template is not there for this person (404, not 403).
    return get_object_or_404(hub_reply_templates(user), pk=pk)


def _hub_of(user: User) -> int:
    region_id = scope(user).hub_region_id
    if region_id is None:
        raise Http404
    return region_id


@role_required(Role.HUB_STAFF)
def template_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    _hub_of(user)
    templates = hub_reply_templates(user).select_related("created_by")
    return render(
        request,
        "web/hub/reply_templates.html",
        {"templates": templates, "placeholders": [f"{{{name}}}" for name in PLACEHOLDERS]},
    )


@role_required(Role.HUB_STAFF)
@limit_posts
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write a new template for the hub, or change one of the hub's."""
    user = signed_in(request)
    _hub_of(user)
    template = _hub_template(user, pk) if pk is not None else None
    initial = (
        {name: getattr(template, name) for name in ("title", "body_en", "body_fr", "body_ar")} if template else None
    )
    form = ReplyTemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_template_save(actor=user, template=template, **form.cleaned_data)
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
        else:
            messages.success(request, _("Template saved."))
            return HttpResponseRedirect(reverse("reply-templates"))
    return render(request, "web/hub/reply_template_form.html", {"form": form, "template": template})


@require_POST
@role_required(Role.HUB_STAFF)
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    template = _hub_template(user, pk)
    services.reply_template_delete(template=template, actor=user)
    messages.success(request, _("Template deleted: %(title)s.") % {"title": template.title})
    return HttpResponseRedirect(reverse("reply-templates"))


# --- On the request page ----------------------------------------------------------------------------------
def reply_template_choices(support_request: SupportRequest, user: User) -> list[dict[str, Any]]:
    """The templates the message form offers (its hub's, to those who oversee the request), each written out
    for this request in its language: what the page's select carries for scripting to insert."""
    templates = reply_templates_kept(support_request, user)
    if not templates:
        return []
    values = placeholder_values(support_request)
    return [
        {"pk": t.pk, "title": t.title, "body": fill(template_body(t, support_request.language), values)}
        for t in templates
    ]


def reply_prefill(request: HttpRequest, support_request: SupportRequest, channels: list[str]) -> dict[str, Any]:
    """Without scripting, "Insert" asks for the page again with ``?template=<id>``: the message form comes back
    holding the template written out for this request (nothing when the person may not use it)."""
    chosen = parse_id(request.GET.get("template", ""))
    if chosen is None or not channels:
        return {}
    template = reply_templates_for(support_request, signed_in(request)).filter(pk=chosen).first()
    if template is None:
        return {}
    body = template_render(template, support_request)
    return {"message_form": MessageForm(channels=channels, initial={"body": body}), "chosen_template": template.pk}
