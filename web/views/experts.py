"""The expert pool's pages: the pool (hub staff and the management unit), one expert's profile with the management
unit's vetting and conflict review, and an expert's own profile, leave and standby."""

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
from helpdesk.models import ExpertPeriod, ExpertProfile, Role, User
from helpdesk.selectors.experts import (
    ExpertRow,
    expert_own_profile,
    expert_period_of,
    expert_periods,
    expert_pool,
    expert_profile_of,
    expert_standby_until,
    expert_vetting_history,
)
from helpdesk.services.experts import (
    VETTING_MOVES,
    expert_conflicts_review,
    expert_period_add,
    expert_period_remove,
    expert_profile_update,
)
from notifications.services.people import expert_vetting_decide
from web.forms.experts import (
    ConflictsReviewForm,
    ExpertProfileForm,
    LeaveForm,
    PoolFilterForm,
    StandbyForm,
    VettingForm,
)
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


def _expert_of(request: HttpRequest, pk: int, rule: str | None = None) -> tuple[User, ExpertRow]:
    """The pool's reader and the expert ``pk`` (404 if none), who may also do ``rule`` to them (403 if not)."""
    user = _pool_reader(request)
    row = expert_profile_of(pk)
    if row is None:
        raise Http404
    if rule is not None and not can(user, rule, row.profile):
        raise PermissionDenied
    return user, row


@login_required
def expert_pool_page(request: HttpRequest) -> HttpResponse:
    user = _pool_reader(request)
    may_review = can(user, "review_expert_conflicts")
    form = PoolFilterForm(request.GET, may_review=may_review)
    pool = expert_pool(user, form.filters())
    context = {
        "form": form,
        "pool": pool,
        "may_vet": can(user, "vet_expert"),
        "may_review": may_review,
        "filtered": bool(form.has_changed()),
    }
    return render(request, "web/experts/pool.html", context)


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
    request: HttpRequest,
    user: User,
    row: ExpertRow,
    *,
    form: VettingForm | None = None,
    review_error: str = "",
    status: int = 200,
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
        # Leave and standby: the management unit and the staff of the expert's hubs (None: not theirs to read).
        "periods": expert_periods(profile.user_id) if can(user, "view_expert_availability", profile) else None,
        "may_review": row.conflicts_to_review and can(user, "review_expert_conflicts", profile),
        "review_error": review_error,
    }
    return render(request, "web/experts/detail.html", context, status=status)


@login_required
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, row = _expert_of(request, pk)
    return _detail(request, user, row)


@require_POST
@login_required
def expert_vetting(request: HttpRequest, pk: int) -> HttpResponse:
    """Vet, suspend, turn down or reinstate (the management unit); a move needing a reason confirms first."""
    user, row = _expert_of(request, pk, "vet_expert")
    profile = row.profile
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


@require_POST
@login_required
def expert_conflicts_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the expert's standing conflicts as reviewed (the management unit), as declared when the page was read."""
    user, row = _expert_of(request, pk, "review_expert_conflicts")
    profile = row.profile
    form = ConflictsReviewForm(request.POST)
    declared_at = form.cleaned_data["declared_at"] if form.is_valid() else None
    try:
        expert_conflicts_review(profile=profile, actor=user, declared_at=declared_at)
    except ValidationError as error:
        return _detail(request, user, row, review_error=" ".join(error.messages))
    messages.success(request, _("The expert's standing conflicts are marked as reviewed."))
    return HttpResponseRedirect(reverse("expert-detail", args=[pk]))


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


def _own_profile(request: HttpRequest) -> tuple[User, ExpertProfile]:
    user = signed_in(request)
    profile = expert_own_profile(user)
    if profile is None or not can(user, "manage_expert_availability", profile):
        raise Http404
    return user, profile


def _availability(
    request: HttpRequest,
    user: User,
    profile: ExpertProfile,
    *,
    leave_form: LeaveForm | None = None,
    standby_form: StandbyForm | None = None,
    remove_error: tuple[int, str] | None = None,
) -> HttpResponse:
    standby_initial = {"regions": list(profile.regions.all()), "languages": profile.languages or []}
    context = {
        "profile": profile,
        "periods": expert_periods(user.pk),
        "standby_until": expert_standby_until(user),
        "leave_form": leave_form or LeaveForm(prefix="leave"),
        "standby_form": standby_form or StandbyForm(prefix="standby", initial=standby_initial),
        "remove_error": remove_error,
    }
    return render(request, "web/experts/availability.html", context)


@role_required(Role.EXPERT)
def expert_availability(request: HttpRequest) -> HttpResponse:
    """An expert's own leave and standby periods, with the forms to add one (only their own: no id here)."""
    user, profile = _own_profile(request)
    return _availability(request, user, profile)


@require_POST
@role_required(Role.EXPERT)
def expert_period_new(request: HttpRequest, kind: str) -> HttpResponse:
    """Add a leave or a standby; a refusal comes back on its fields."""
    user, profile = _own_profile(request)
    form: LeaveForm = (
        StandbyForm(request.POST, prefix="standby")
        if kind == ExpertPeriod.Kind.STANDBY
        else LeaveForm(request.POST, prefix="leave")
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            expert_period_add(
                expert=user,
                actor=user,
                kind=kind,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                regions=data.get("regions") or [],
                languages=data.get("languages") or [],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            if kind == ExpertPeriod.Kind.STANDBY:
                messages.success(request, _("Your standby is saved: hubs see you first for incidents it covers."))
            else:
                messages.success(request, _("Your leave is saved: hubs will not propose you on those days."))
            return HttpResponseRedirect(reverse("expert-availability"))
    if isinstance(form, StandbyForm):
        return _availability(request, user, profile, standby_form=form)
    return _availability(request, user, profile, leave_form=form)


@require_POST
@role_required(Role.EXPERT)
def expert_period_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of the expert's own current or coming periods, once confirmed (another's: 404)."""
    user, profile = _own_profile(request)
    period = expert_period_of(user, pk)
    if period is None:
        raise Http404
    if request.POST.get("confirm") != "on":
        return _availability(request, user, profile, remove_error=(pk, _("Tick the box to confirm.")))
    try:
        expert_period_remove(period=period, actor=user)
    except ValidationError as error:
        return _availability(request, user, profile, remove_error=(pk, " ".join(error.messages)))
    messages.success(request, _("The period is removed."))
    return HttpResponseRedirect(reverse("expert-availability"))
