"""City focal points' pages: their home and the guided request form (new or draft)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from helpdesk import selectors, services
from helpdesk.access import can
from helpdesk.models import HeldFile, Role, SupportRequest
from helpdesk.screening import PersonalDataFound
from web.forms.requests import RequestForm, personal_data_mark
from web.intake import SuggestionLines, intake_key, intake_token, suggestion_lines
from web.lists.city import city_attention, city_requests
from web.ratelimits import limit_posts
from web.views.common import kept_files, request_or_404, role_required, service_refusal_show, signed_in, uploads_hold
from workflows.errors import TransitionConflict, TransitionRefused
from workflows.incidents import first_answer_hours
from workflows.peers import city_introductions
from workflows.services import transition_perform


@role_required(Role.FOCAL_POINT)
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    page = city_requests(user, after=request.GET.get("after"), before=request.GET.get("before"))
    attention = city_attention(user) if not (request.GET.get("after") or request.GET.get("before")) else []
    multi_city = len({r.city_id for r in page.rows}) > 1
    # The peer introductions awaiting the city's answer (or made, with whom to talk to).
    introductions = city_introductions(user) if not (request.GET.get("after") or request.GET.get("before")) else []
    context = {"page": page, "attention": attention, "multi_city": multi_city, "introductions": introductions}
    # Each of the focal point's cities links to its record (where the city chooses its anonymity to experts).
    context["own_cities"] = list(user.cities.order_by("name").only("pk", "name"))
    # The entry to filing after an incident says how soon the hub answers there.
    context["incident_hours"] = first_answer_hours()
    return render(request, "web/city/home.html", context)


def _save(
    request: HttpRequest, form: RequestForm, draft: SupportRequest | None
) -> tuple[SupportRequest | None, list[str], bool]:
    """Keep the draft through the intake services; returns it, any personal-data findings, and confirmability."""
    user = signed_in(request)
    data: dict[str, Any] = form.service_data()
    confirm = form.cleaned_data.get("confirm_personal_data", False)
    try:
        if draft is None:
            saved = services.request_create(
                city=form.cleaned_data["city"], submitted_by=user, confirm_personal_data=confirm, **data
            )
        else:
            saved = services.request_update_draft(request=draft, actor=user, confirm_personal_data=confirm, **data)
    except PersonalDataFound as found:
        # Each field where it was found is marked, so "the highlighted fields" are there to see.
        personal_data_mark(form, found, never_confirmed=("title",))
        return None, found.messages, found.confirmable
    except ValidationError as invalid:
        service_refusal_show(form, invalid)
        return None, [], True
    return saved, [], True


def _draft_files_remove(request: HttpRequest, draft: SupportRequest | None) -> None:
    """Take off the draft the files ticked for removal on its form."""
    user = signed_in(request)
    removed = set(request.POST.getlist("remove"))
    if draft is None or not removed or not can(user, "edit_draft", draft):
        return
    for attachment in selectors.draft_files(draft):
        if f"file-{attachment.pk}" in removed:
            services.draft_file_remove(request=draft, actor=user, attachment=attachment)


def _request_form(request: HttpRequest, draft: SupportRequest | None) -> HttpResponse:
    user = signed_in(request)
    cities = list(user.cities.order_by("name"))
    if not cities:
        raise Http404
    form = RequestForm(request.POST or None, request.FILES or None, instance=draft, cities=cities)
    findings: list[str] = []
    confirmable = True
    kept: list[HeldFile] = []
    # The form session of the suggestions ("these may answer you"), kept across the form's round trips.
    intake = intake_token(request.POST.get("intake"))
    suggestions: SuggestionLines | None = None
    if request.method == "POST" and "look" in request.POST:
        # "Look for answers first" without scripting: the form again as typed (files kept), with the suggestions.
        kept = kept_files(request, draft)
        refusals = uploads_hold(request, draft, kept)
        form.errors.clear()  # a look judges nothing: the form is shown as typed, without complaints
        suggestions = _suggestions(request, intake)
        if refusals:
            form.add_error("attachment", refusals)
    elif request.method == "POST":
        valid = form.is_valid()
        # Files first: whatever else fails, what was chosen is kept and shown, never asked for again.
        kept = kept_files(request, draft)
        refusals = uploads_hold(request, draft, kept)
        _draft_files_remove(request, draft)
        saved = None
        if valid:
            saved, findings, confirmable = _save(request, form, draft)
        if saved is not None:
            services.draft_files_attach(request=saved, actor=user, held=kept)
            if (key := intake_key(intake)) is not None:
                services.intake_filed(key=key)
            kept, draft = [], saved
        # A refused file keeps the draft (and the accepted files) on the form, which says which file and why.
        if saved is not None and not refusals and "submit" not in request.POST:
            messages.success(request, _("Draft saved. You can come back to it at any time."))
            return HttpResponseRedirect(saved.get_absolute_url())
        if saved is not None and not refusals:
            try:
                transition_perform(request=saved, transition="submit", actor=user)
            except TransitionConflict as conflict:
                messages.error(request, str(conflict))
                return HttpResponseRedirect(saved.get_absolute_url())
            except TransitionRefused as refusal:
                # The draft is kept; the form shows why it cannot go to the hub yet, with everything typed.
                form.show_refusal(refusal)
            else:
                messages.success(request, _("Your request is with the hub. You will hear from them here."))
                return HttpResponseRedirect(saved.get_absolute_url())
        if refusals:
            form.add_error("attachment", refusals)
    return render(
        request,
        "web/city/request_form.html",
        {
            "form": form,
            "draft": draft,
            "personal_data": findings,
            "confirmable": confirmable,
            "kept": kept,
            "attached": selectors.draft_files(draft) if draft is not None else [],
            "intake": intake,
            "suggestions": suggestions,
        },
    )


def _suggestions(request: HttpRequest, intake: str) -> SuggestionLines:
    """What the form's title (or, while it is short, its description) suggests; counted as shown."""
    title = request.POST.get("title", "").strip()
    found = selectors.intake_suggestions(
        signed_in(request), title if len(title) >= 3 else request.POST.get("description", "")
    )
    if found and (key := intake_key(intake)) is not None:
        services.intake_shown(key=key)
    return suggestion_lines(found, intake)


@role_required(Role.FOCAL_POINT)
@limit_posts
def new_request(request: HttpRequest) -> HttpResponse:
    return _request_form(request, None)


@role_required(Role.FOCAL_POINT)
@limit_posts
def edit_draft(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)
    draft = request_or_404(user, reference)
    if not can(user, "edit_draft", draft):
        messages.info(request, _("Only a draft can be edited; write a message on the request instead."))
        return HttpResponseRedirect(draft.get_absolute_url())
    return _request_form(request, draft)
