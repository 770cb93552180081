"""The expert pool's pages: the pool (hub staff and the management unit), one expert's profile with the management
unit's vetting, and an expert's own profile and availability."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.access import can
from helpdesk.models import ExpertProfile, Role, User
from helpdesk.selectors.experts import ExpertRow, expert_pool, expert_profile_of, expert_vetting_history
from helpdesk.services.experts import VETTING_MOVES, expert_profile_update
from notifications.services.people import expert_vetting_decide
from web.forms.experts import ExpertProfileForm, PoolFilterForm, VettingForm
from web.views.common import role_required, signed_in

Vetting = ExpertProfile.Vetting
# What each vetting move is called on its button, from where the expert stands (the service says which exist).
MOVE_LABELS: dict[tuple[str, str], str] = {
    (Vetting.PENDING, Vetting.VETTED): "vet",
    (Vetting.PENDING, Vetting.SUSPENDED): "turn_down",
    (Vetting.VETTED, Vetting.SUSPENDED): "suspend",
    (Vetting.SUSPENDED, Vetting.VETTED): "reinstate",
}


def _pool_reader(request: HttpRequest) -> User:
    user = signed_in(request)
    if not can(user, "view_expert_pool"):
        raise PermissionDenied
    return user


@login_required
def expert_pool_page(request: HttpRequest) -> HttpResponse:
    user = _pool_reader(request)
    form = PoolFilterForm(request.GET)
    pool = expert_pool(user, form.filters())
    return render(
        request,
        "web/experts/pool.html",
        {"form": form, "pool": pool, "may_vet": can(user, "vet_expert"), "filtered": bool(form.has_changed())},
    )


def _vetting_moves(user: User, profile: ExpertProfile) -> list[dict[str, Any]]:
    """The vetting moves this person may make on ``profile`` now, each with whether it needs a reason."""
    if not can(user, "vet_expert", profile):
        return []
    return [
        {"status": after, "action": MOVE_LABELS[(before, after)], "reason_required": needs}
        for (before, after), needs in VETTING_MOVES.items()
        if before == profile.vetting_status
    ]


def _detail(
    request: HttpRequest, user: User, row: ExpertRow, *, form: VettingForm | None = None, status: int = 200
) -> HttpResponse:
    profile = row.profile
    context = {
        "row": row,
        "profile": profile,
        "person": profile.user,
        "history": expert_vetting_history(profile),
        "moves": _vetting_moves(user, profile),
        "vetting_form": form,
        "posted_status": form.data.get("status") if form is not None else None,
    }
    return render(request, "web/experts/detail.html", context, status=status)


@login_required
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _pool_reader(request)
    row = expert_profile_of(pk)
    if row is None:
        raise Http404
    return _detail(request, user, row)


@require_POST
@login_required
def expert_vetting(request: HttpRequest, pk: int) -> HttpResponse:
    """Vet, suspend, turn down or reinstate (the management unit); a move needing a reason confirms first."""
    user = _pool_reader(request)
    row = expert_profile_of(pk)
    if row is None:
        raise Http404
    profile = row.profile
    if not can(user, "vet_expert", profile):
        raise PermissionDenied
    form = VettingForm(request.POST)
    if form.is_valid():
        status = form.cleaned_data["status"]
        needs_reason = VETTING_MOVES.get((profile.vetting_status, status))
        if needs_reason and request.POST.get("confirm") != "on":
            form.add_error(None, _("Tick the box to confirm this decision."))
        else:
            try:
                expert_vetting_decide(profile=profile, actor=user, status=status, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    form.add_error("reason" if name == "reason" else None, problems)
            else:
                messages.success(request, _("The expert's vetting is saved."))
                return HttpResponseRedirect(reverse("expert-detail", args=[pk]))
    return _detail(request, user, row, form=form)


@role_required(Role.EXPERT)
def expert_profile_edit(request: HttpRequest) -> HttpResponse:
    """An expert keeps their own profile, availability and standing conflicts (only their own: no id here)."""
    user = signed_in(request)
    row = expert_profile_of(user.pk)
    if row is None or not can(user, "edit_expert_profile", row.profile):
        raise Http404
    profile = row.profile
    if request.method == "POST":
        form = ExpertProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                expert_profile_update(profile=profile, actor=user, **data)
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                messages.success(request, _("Your profile is saved."))
                return HttpResponseRedirect(reverse("expert-profile-edit"))
    else:
        form = ExpertProfileForm(initial=ExpertProfileForm.initial_of(profile))
    return render(request, "web/experts/profile_edit.html", {"form": form, "profile": profile, "row": row})
