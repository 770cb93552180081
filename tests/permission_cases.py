"""The rows of the permission matrix (``tests/test_permission_matrix.py``): one ``Case`` per URL pattern.

HOW TO ADD A ROW (every new URL needs one, or ``test_every_url_pattern_has_a_case`` fails):

1. Append ``Case(name=..., expect=...)`` to ``CASES`` below. ``name`` is what you pass to ``reverse()``
   (``"request-detail"``, ``"notifications:list"``).
2. ``kwargs``: a function ``world -> dict`` giving the URL's arguments from the test world
   (``tests/access_world.py``): ``world.req`` is a submitted request of city A1 (region A), ``world.draft``
   a draft of A1, ``world.req_same_region`` / ``world.req_other_region`` requests elsewhere,
   ``world.messages[...]`` / ``world.attachments[...]`` by channel, ``world.user(role)`` the people.
3. ``method="post"`` and ``data`` (``world -> dict``) for forms; each role's request runs in a transaction
   that is rolled back, so one role's post never changes what the next role sees.
5. ``extra``: statuses for the people of ``EXTRA_PEOPLE`` (``world.extra``), for rows where they differ from
   a column of ``ROLES``: ``"hub_lead"`` (region A's lead) and ``"former_city"`` (city A1's former focal point,
   who kept read access to ``world.req``).
4. ``expect``: the HTTP status for EVERY role of ``ROLES``. Start from a preset and override:
   ``REQUEST_PAGE`` (a page about ``world.req``: 404 outside the request's scope), ``SIGNED_IN`` (any
   signed-in person), ``only(200, {"hub_region", "management"}, other=403)`` (a page for some roles),
   ``{**REQUEST_PAGE, "assigned_expert": 404}`` to change one cell.
   Statuses: 200 page, 302 redirect (anonymous → sign-in, or after a post), 403 the role may never open
   this page, 404 the object is outside the person's scope (never 403 for an object: no probing).

``LIST_PAGES`` names the pages that list requests; the matrix checks that every reference they show
opens for the same person, and that nothing they may not open is listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.access_world import ROLES, World
from workflows.models import FundingSource

Statuses = dict[str, int]
# People of ``world.extra`` a row may give statuses for (``Case.extra``).
EXTRA_PEOPLE = ("hub_lead", "former_city")


@dataclass(frozen=True)
class Case:
    name: str
    expect: Statuses
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    query: str = ""
    note: str = ""
    # Statuses for the world's extra people (``EXTRA_PEOPLE``), where a row says them: the people pages tell a
    # hub's lead from its officers, and a request's page a former focal point who kept read access.
    extra: Statuses = field(default_factory=dict)


def _funding_source() -> FundingSource:
    return FundingSource.objects.get_or_create(code="eu", defaults={"name": "European Union"})[0]


def only(status: int, roles: set[str], *, other: int, anonymous: int = 302) -> Statuses:
    """``status`` for ``roles``, ``other`` for every other signed-in role, ``anonymous`` for visitors."""
    return {role: anonymous if role == "anonymous" else status if role in roles else other for role in ROLES}


def everyone(status: int) -> Statuses:
    return dict.fromkeys(ROLES, status)


SIGNED_IN = only(200, set(ROLES), other=200)
# A page about world.req (city A1, region A): its city, its assigned expert, its hub and the management unit.
SEES_REQ = {"own_city", "assigned_expert", "hub_region", "management"}
REQUEST_PAGE = only(200, SEES_REQ, other=404)
OVERSEERS = {"hub_region", "management"}
FOCAL_POINTS = {"own_city", "same_region_city", "other_region_city"}
EXPERTS = {"assigned_expert", "unassigned_expert"}
HUB_STAFF = {"hub_region", "hub_other_region"}


def _resource_of(world: World, *, state: str, author: str) -> Any:
    """A resource of region A (where world.req's city is) in ``state``, written by ``author``."""
    from tests.factories import resource

    writer = world.user(author)
    return resource(
        state=state, region=writer.region if writer and writer.region_id else world.req.region, created_by=writer
    )


def _api_token_of(owner: Any) -> Any:
    """A live token of ``owner`` (made directly: the service wants a second factor the matrix has not)."""
    from datetime import timedelta

    from django.utils import timezone

    from helpdesk.models import ApiToken

    return ApiToken.objects.get_or_create(
        key_digest="0" * 64,
        defaults={
            "user": owner,
            "name": "Tracker",
            "prefix": "scd_00000000",
            "expires_at": timezone.now() + timedelta(days=9),
        },
    )[0]


# When the unassigned expert last changed their standing conflicts (what the reviewer read and posts back).
CONFLICTS_CHANGED_AT = datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=UTC)


def _conflicts_changed(world: World) -> dict[str, Any]:
    from helpdesk.models import ExpertProfile

    person = world.user("unassigned_expert")
    ExpertProfile.objects.filter(user=person).update(conflicts_updated_at=CONFLICTS_CHANGED_AT)
    return {"pk": person.pk}


def _days_on(days: int) -> str:
    from django.utils import timezone

    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _assigned_experts_leave(world: World) -> dict[str, Any]:
    from django.utils import timezone

    from helpdesk.models import ExpertPeriod

    today = timezone.localdate()
    period = ExpertPeriod.objects.create(
        expert=world.user("assigned_expert"),
        kind="leave",
        starts_on=today + timedelta(days=2),
        ends_on=today + timedelta(days=4),
    )
    return {"pk": period.pk}


def _city(world: World) -> dict[str, Any]:
    return {"pk": world.req.city_id}


def _draft_resource(world: World) -> dict[str, Any]:
    return {"slug": _resource_of(world, state="draft", author="own_city").slug}


def _draft_resource_version(world: World) -> dict[str, Any]:
    return {**_draft_resource(world), "language": "fr"}


def _draft_resource_file(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from helpdesk.services import resource_file_add
    from tests.access_world import PDF_BYTES

    item = _resource_of(world, state="draft", author="own_city")
    stored = resource_file_add(resource=item, actor=item.created_by, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
    return {"slug": item.slug, "pk": stored.pk}


def _resource_in_review(world: World) -> dict[str, Any]:
    return {"slug": _resource_of(world, state="review", author="hub_region").slug}


# A draft resource of the city A1's focal point: its author, its hub's staff and the management unit.
RESOURCE_DRAFT = only(200, {"own_city", "hub_region", "management"}, other=404)
WRITERS = {*FOCAL_POINTS, *HUB_STAFF, "management"}


def _invitation_of_hub_a(world: World) -> Any:
    """An invitation region A's lead sent to a focal point of city A2 (pending): its lead and the management unit
    manage it; region A's officer (who did not send it) does not."""
    from helpdesk.models import Invitation
    from helpdesk.services.invitations import invitation_create

    city = world.req_same_region.city
    # Once per world: the pages' sweeps ask each row's arguments more than once.
    made = Invitation.objects.filter(email="invited@example.org", accepted_at=None, revoked_at=None).first()
    return made or invitation_create(
        actor=world.extra["hub_lead"], email="invited@example.org", role="focal_point", city=city
    )


def _invitation_pk(world: World) -> dict[str, Any]:
    return {"pk": _invitation_of_hub_a(world).pk}


def _invitation_link(world: World) -> dict[str, Any]:
    from helpdesk.services.invitations import invitation_token

    return {"token": invitation_token(_invitation_of_hub_a(world))}


# Who may invite anyone: hub staff (officers nominate experts) and the management unit.
INVITERS = {*HUB_STAFF, "management"}


def _req(world: World) -> dict[str, Any]:
    return {"reference": world.req.reference}


def _closed_req(world: World) -> dict[str, Any]:
    """A closed request of world.req's city: what hub staff publish from."""
    from tests.web.pages import in_state

    return {"reference": in_state("closed", city=world.req.city, closed_at=world.req.created_at).reference}


def _consent_asked(world: World) -> dict[str, Any]:
    """A draft resource about world.req's city (region A), written by its hub, the city's consent asked."""
    from helpdesk.models import Consent
    from tests.factories import resource

    item = resource(
        state="draft",
        region=world.req.region,
        city=world.req.city,
        created_by=world.user("hub_region"),
        source_request=world.req,
        consent=Consent.ASKED,
    )
    return {"slug": item.slug}


def _peer_exchange_req(world: World) -> dict[str, Any]:
    """world.req asking for a peer exchange (within the role's rolled-back transaction)."""
    from helpdesk.models import SupportRequest

    SupportRequest.objects.filter(pk=world.req.pk).update(kind="peer_exchange")
    return {"reference": world.req.reference}


def _introduction_to_beta(world: World) -> dict[str, Any]:
    """An introduction of world.req's city (A1) to Beta One (the other region's city), awaiting both answers."""
    from django.utils import timezone

    from helpdesk.models import SupportRequest
    from workflows.models import PeerIntroduction

    SupportRequest.objects.filter(pk=world.req.pk).update(kind="peer_exchange")
    peer = world.req_other_region.city
    # One per request and city: the hostile-input tests call this for every page of the world they keep.
    intro, _ = PeerIntroduction.objects.get_or_create(
        request=world.req, peer_city=peer, defaults={"proposed_at": timezone.now()}
    )
    return {"pk": intro.pk}


def _saved_view_of_hub_a(world: World) -> dict[str, Any]:
    from helpdesk.models import SavedView

    owner = world.user("hub_region")
    view = SavedView.objects.create(owner=owner, region_id=owner.region_id if owner else None, name="Mine", query="")
    return {"pk": view.pk}


def _template_of_hub_a(world: World) -> dict[str, Any]:
    from helpdesk.models import ReplyTemplate

    return {"pk": ReplyTemplate.objects.create(region=world.req.region, title="Thanks", body_en="Thank you.").pk}


def _notification_of_own_city(world: World) -> dict[str, Any]:
    from notifications.models import Notification

    notification = Notification.objects.create(
        recipient=world.user("own_city"), request=world.req, event="submitted", reason="city", channel="in_app"
    )
    return {"pk": notification.pk}


CASES: list[Case] = [
    # --- helpdesk: public and account pages -----------------------------------------------------------
    Case("home", everyone(200), note="sign-in page for visitors, each role's home page otherwise"),
    Case("healthz", everyone(200)),
    Case("readyz", everyone(200)),
    Case("login", only(302, set(ROLES), other=302, anonymous=200), note="signed-in people are sent home"),
    Case("logout", everyone(302), method="post"),
    Case("password-reset", everyone(200)),
    Case("password-reset-done", everyone(200)),
    Case(
        "password-reset-confirm",
        everyone(200),
        kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"},
        note="an invalid link shows a page saying so",
    ),
    Case("password-reset-complete", everyone(200)),
    Case("password-change", SIGNED_IN),
    Case("password-change-done", SIGNED_IN),
    Case("profile", SIGNED_IN),
    Case("api-tokens", SIGNED_IN, note="without the second factor in tests: the list and why a token needs it"),
    Case(
        "api-token-revoke",
        only(200, {"own_city"}, other=404),
        method="post",
        kwargs=lambda w: {"pk": _api_token_of(w.user("own_city")).pk},
        note="the owner is asked to confirm (nothing sent); anyone else's token is a 404, as none would be",
    ),
    # Two-step sign-in (off by default in tests; tests/web/views/test_two_factor.py turns it on).
    Case("two-factor", SIGNED_IN),
    Case("two-factor-setup", SIGNED_IN),
    Case("two-factor-codes", SIGNED_IN, note="shows that the codes were already shown"),
    Case("two-factor-verify", only(302, set(ROLES), other=302), note="nothing to verify: sent to enrolment"),
    Case("two-factor-recovery", only(302, set(ROLES), other=302), note="nothing to verify: sent to enrolment"),
    Case("two-factor-remove", SIGNED_IN, method="post", note="password and code missing"),
    Case("two-factor-regenerate", SIGNED_IN, method="post", note="password missing"),
    Case("set-language", everyone(302), method="post", data=lambda w: {"language": "fr", "next": "/"}),
    # --- city focal points ---------------------------------------------------------------------------------
    Case("city-home", only(200, FOCAL_POINTS, other=403)),
    Case(
        "request-new",
        only(200, FOCAL_POINTS, other=403),
        extra={"former_city": 404},
        note="a former focal point who kept read access has no city to file for",
    ),
    Case(
        "request-incident",
        {**only(302, FOCAL_POINTS, other=403), "same_region_city": 404, "other_region_city": 404},
        method="post",
        data=lambda w: {
            "city": w.req.city_id,
            "what_happened": "A fire at the community centre.",
            "incident_at": "2026-01-01T10:00",
            "help_needed": "Advice on the community meeting.",
        },
        extra={"former_city": 404},
        note="filing after an incident for city A1: its focal point files and is sent to the request; another"
        " city's focal point gets 404, a former focal point too (no city to file for); the form itself opens for"
        " every focal point (tests/web/views/test_incidents.py)",
    ),
    Case("intake-suggestions", only(200, FOCAL_POINTS, other=403), query="?q=youth+mentoring"),
    Case(
        "intake-suggestion-open",
        only(404, FOCAL_POINTS, other=403),
        query="?resource=no-such-resource",
        note="the redirect to a suggestion: 404 for anything the person may not be suggested (tested in full in "
        "tests/web/views/test_intake_suggestions.py)",
    ),
    Case(
        "request-edit",
        {**only(404, FOCAL_POINTS, other=403), "own_city": 200},
        kwargs=lambda w: {"reference": w.draft.reference},
        extra={"former_city": 404},
    ),
    # --- every role's request page and its posts ------------------------------------------------------------
    Case("request-detail", REQUEST_PAGE, kwargs=_req, extra={"hub_lead": 200, "former_city": 200}),
    Case(
        "request-move",
        {**REQUEST_PAGE, "assigned_expert": 302, "hub_region": 302, "management": 302},
        kwargs=lambda w: {"reference": w.req.reference, "name": "withdraw"},
        extra={"former_city": 302},
        note="the city's own move: a form for the city, back to the page for those who cannot make it (a former "
        "focal point who kept read access too: they read, they do not act)",
    ),
    Case(
        "request-message",
        {**REQUEST_PAGE, "own_city": 302, "hub_region": 302, "management": 302},
        method="post",
        kwargs=_req,
        data=lambda w: {"body": "A question about the plan", "visibility": "city"},
        extra={"former_city": 404},
        note="the expert may not write on the city channel: the form comes back (200); a former focal point who "
        "kept read access writes on no channel (404)",
    ),
    Case(
        "request-message-preview",
        REQUEST_PAGE,
        method="post",
        kwargs=_req,
        data=lambda w: {"body": "A **question** about the plan", "visibility": "city"},
        extra={"former_city": 404},
        note="whoever may write on one of its channels sees the page again with the preview; nothing is stored",
    ),
    Case(
        "request-owner",
        {**REQUEST_PAGE, "own_city": 404, "assigned_expert": 404, "hub_region": 302, "management": 302},
        method="post",
        kwargs=_req,
        data=lambda w: {"owner": "me"},
    ),
    Case(
        "request-release",
        {**REQUEST_PAGE, "own_city": 404, "assigned_expert": 404, "hub_region": 302, "management": 302},
        method="post",
        kwargs=_req,
        data=lambda w: {"confirm": "on"},
        note="only the request's hub and the management unit release screened content (confirmed: nothing undoes it)",
    ),
    Case(
        "request-publish",
        only(200, {"hub_region"}, other=404),
        kwargs=_closed_req,
        note="hub staff of a closed request's region start publishing what was learned from it",
    ),
    Case(
        "resource-consent",
        only(200, {"own_city", "hub_region", "management"}, other=404),
        kwargs=_consent_asked,
        note="the city asked for its consent, and the staff over the resource; nobody else knows it exists",
    ),
    Case(
        "request-file-share",
        {**REQUEST_PAGE, "own_city": 404, "assigned_expert": 404, "hub_region": 302, "management": 404},
        method="post",
        kwargs=lambda w: {"reference": w.req.reference, "pk": w.attachments["city"].pk},
        data=lambda w: {"expert": str(w.user("assigned_expert").pk)},
        note="hub staff of the region choose which city files its experts read",
    ),
    Case(
        "request-file-unshare",
        {**REQUEST_PAGE, "own_city": 404, "assigned_expert": 404, "hub_region": 302, "management": 404},
        method="post",
        kwargs=lambda w: {"reference": w.req.reference, "pk": w.extra["share"].pk},
        note="and stop sharing them",
    ),
    # --- hub staff --------------------------------------------------------------------------------------------
    Case("hub-queue", only(200, {*HUB_STAFF, "management"}, other=403)),
    Case(
        "queue-bulk-owner",
        only(302, {*HUB_STAFF, "management"}, other=403),
        method="post",
        data=lambda w: {"action": "take", "r": [w.req.reference]},
        note="back to the queue; a request outside the person's reach is reported as not changed",
    ),
    Case(
        "saved-view-create",
        only(302, {*HUB_STAFF, "management"}, other=403),
        method="post",
        data=lambda w: {"name": "Mine", "query": "state=submitted"},
    ),
    Case(
        "saved-view-delete",
        {**only(404, {*HUB_STAFF, "management"}, other=403), "hub_region": 302},
        method="post",
        kwargs=_saved_view_of_hub_a,
        note="only the person who saved a view deletes it, even a shared one",
    ),
    Case("hub-needs", only(200, {*HUB_STAFF, "management"}, other=403), note="counts only; hub staff their own hub"),
    Case("hub-needs-csv", only(200, {*HUB_STAFF, "management"}, other=403)),
    Case(
        "hub-needs-xlsx",
        {**only(200, HUB_STAFF, other=403), "management": 404},
        query="?region=999999999",
        note="a hub that is not there is a 404 for the management unit; hub staff always read their own hub",
    ),
    Case("reply-templates", only(200, HUB_STAFF, other=403)),
    Case("reply-template-new", only(200, HUB_STAFF, other=403)),
    Case(
        "reply-template-edit",
        {**only(404, HUB_STAFF, other=403), "hub_region": 200},
        kwargs=_template_of_hub_a,
        note="a hub's templates are its own staff's",
    ),
    Case(
        "reply-template-delete",
        {**only(404, HUB_STAFF, other=403), "hub_region": 302},
        method="post",
        kwargs=_template_of_hub_a,
    ),
    Case(
        "request-peers",
        {**only(404, set(ROLES), other=404), "anonymous": 302, "hub_region": 200, "management": 200},
        kwargs=_peer_exchange_req,
        note="the cities suggested for a peer exchange: its overseers only (404 for anyone else, its city included)",
    ),
    Case(
        "introduction-detail",
        {
            **only(404, set(ROLES), other=404),
            "anonymous": 302,
            "own_city": 200,
            "other_region_city": 200,
            "hub_region": 200,
            "management": 200,
        },
        kwargs=_introduction_to_beta,
        note="either city's focal points and the asking request's overseers; what each reads is workflows.peers'",
    ),
    Case(
        "introduction-withdraw",
        {
            **only(404, set(ROLES), other=404),
            "anonymous": 302,
            "own_city": 302,
            "other_region_city": 302,
            "hub_region": 302,
            "management": 302,
        },
        method="post",
        data=lambda world: {"confirm": "on"},
        kwargs=_introduction_to_beta,
        note="404 for who may not see the introduction; the others are sent back to it (only its hub withdraws it)",
    ),
    Case(
        "request-matching",
        {**only(403, set(ROLES), other=403), "hub_region": 200, "hub_other_region": 404, "management": 200},
        kwargs=_req,
    ),
    # --- the network's people: a person's page, deactivation, a city's focal point handover ------------------
    Case(
        "person-detail",
        {**only(403, set(ROLES), other=403), "hub_region": 200, "hub_other_region": 404, "management": 200},
        kwargs=lambda w: {"pk": w.user("own_city").pk},
        extra={"hub_lead": 200, "former_city": 403},
        note="a focal point of A1: the management unit and region A's hub staff; another hub's staff 404",
    ),
    Case(
        "person-deactivate",
        {**only(403, set(ROLES), other=403), "hub_other_region": 404, "management": 302},
        method="post",
        kwargs=lambda w: {"pk": w.user("own_city").pk},
        data=lambda w: {"reason": "Left the city's service", "confirm": "on"},
        extra={"hub_lead": 302, "former_city": 403},
        note="the management unit and the lead of the person's hub (an officer sees the person, manages nobody)",
    ),
    Case(
        "person-reactivate",
        {**only(403, set(ROLES), other=403), "hub_other_region": 404, "management": 302},
        method="post",
        kwargs=lambda w: {"pk": w.extra["deactivated"].pk},
        data=lambda w: {"reason": "Back in post", "confirm": "on"},
        extra={"hub_lead": 302, "former_city": 403},
    ),
    Case(
        "city-handover",
        {**only(403, set(ROLES), other=403), "hub_region": 200, "hub_other_region": 404, "management": 200},
        kwargs=lambda w: {"pk": w.req.city_id},
        extra={"hub_lead": 200, "former_city": 403},
        note="city A1: its hub's staff and the management unit",
    ),
    # --- invitations ------------------------------------------------------------------------------------------
    Case("people-invite", only(200, INVITERS, other=403), extra={"hub_lead": 200}),
    Case(
        "people-invitations",
        only(200, INVITERS, other=403),
        extra={"hub_lead": 200},
        note="hub officers list the experts they nominated; a lead their hub's invitations",
    ),
    Case(
        "invitation-resend",
        {**only(404, INVITERS, other=403), "management": 302},
        method="post",
        kwargs=_invitation_pk,
        extra={"hub_lead": 302},
        note="the hub's lead and the management unit; an officer who did not send it gets 404",
    ),
    Case(
        "invitation-revoke",
        {**only(404, INVITERS, other=403), "management": 302},
        method="post",
        kwargs=_invitation_pk,
        data=lambda w: {"confirm": "on"},
        extra={"hub_lead": 302},
    ),
    Case(
        "invitation-accept",
        everyone(200),
        kwargs=_invitation_link,
        extra={"hub_lead": 200},
        note="open to visitors (the link is the key); signed in, the page says to sign out first",
    ),
    # --- experts ----------------------------------------------------------------------------------------------
    Case("expert-inbox", only(200, EXPERTS, other=403)),
    # --- peer exchange ------------------------------------------------------------------------------------------
    Case("city-peer-exchange", only(200, FOCAL_POINTS, other=403), note="a city's consent to be contacted"),
    # --- cities and membership (city A1 = world.req.city, region A) -----------------------------------------------
    Case(
        "city-directory",
        SIGNED_IN,
        extra={"hub_lead": 200, "former_city": 200},
        note="member cities by hub; no request content; the steering committee too",
    ),
    Case(
        "city-gaps",
        only(200, {*HUB_STAFF, "management"}, other=403),
        extra={"hub_lead": 200, "former_city": 403},
        note="hub staff their own hub, the management unit every hub",
    ),
    Case("city-new", only(200, {*HUB_STAFF, "management"}, other=403), extra={"hub_lead": 200, "former_city": 403}),
    Case(
        "city-detail",
        only(200, {"own_city", "hub_region", "management"}, other=404),
        kwargs=_city,
        extra={"hub_lead": 200, "former_city": 404},
        note="its hub, the management unit and its own focal points; everyone else reads the directory",
    ),
    Case(
        "city-edit",
        {**only(200, {"hub_region", "management"}, other=403), "hub_other_region": 404},
        kwargs=_city,
        extra={"hub_lead": 200, "former_city": 403},
        note="the record is kept by its hub's staff and the management unit",
    ),
    Case(
        "city-anonymity",
        {**only(302, {"own_city"}, other=403), "same_region_city": 404, "other_region_city": 404},
        method="post",
        kwargs=_city,
        data=lambda w: {"choice": "anonymous"},
        extra={"hub_lead": 403, "former_city": 404},
        note="the city's own choice: its focal points only",
    ),
    # --- management unit --------------------------------------------------------------------------------------
    Case("fund-queue", only(200, {"management"}, other=403)),
    Case("overview", only(200, {"management"}, other=403)),
    Case("request-access-log", only(200, {"management"}, other=403), kwargs=_req),
    # --- steering committee -----------------------------------------------------------------------------------
    Case("steering", only(200, {"steering", "management"}, other=403)),
    Case("reports", only(200, {"steering", "management"}, other=403)),
    Case("report-annual", only(200, {"steering", "management"}, other=403), kwargs=lambda w: {"year": 2026}),
    Case(
        "report-grants",
        only(200, {"steering", "management"}, other=403),
        kwargs=lambda w: {"source": _funding_source().code, "year": 2026},
        note="a donor's report: the management unit's, and the steering committee's suppressed copy",
    ),
    # --- files and exports (access and security) --------------------------------------------------------------
    Case(
        "attachment-download",
        only(200, {"own_city", "hub_region", "management"}, other=404),
        kwargs=lambda w: {"pk": w.attachments["city"].pk},
        extra={"former_city": 200},
        note="a city file: a former focal point who kept read access reads it",
    ),
    Case(
        "queue-export",
        only(200, {*FOCAL_POINTS, *HUB_STAFF, "management"}, other=404),
        extra={"former_city": 404},
        note="a former focal point without a city has no list of the city's to export",
    ),
    # --- notifications ------------------------------------------------------------------------------------
    Case("notifications:list", SIGNED_IN),
    Case(
        "notifications:open",
        only(302, {"own_city"}, other=404),
        method="post",
        kwargs=_notification_of_own_city,
        note="one's own notifications only",
    ),
    Case("notifications:read", only(302, {"own_city"}, other=404), method="post", kwargs=_notification_of_own_city),
    Case("notifications:read-all", only(302, set(ROLES), other=302), method="post"),
    Case(
        "notifications:watchers-page",
        {**only(200, SEES_REQ, other=404), "own_city": 403, "assigned_expert": 403},
        kwargs=_req,
        extra={"former_city": 403},
        note="the watchers' page, with the form to add a colleague: for those who choose watchers",
    ),
    Case(
        "notifications:watchers",
        {**only(302, SEES_REQ, other=404), "own_city": 403, "assigned_expert": 403},
        method="post",
        kwargs=_req,
        data=lambda w: {"action": "add", "user": w.user("hub_region").pk},
        note="only the request's hub and the management unit choose watchers; others who see it get 403",
    ),
    # --- the expert pool (experts' own profile; the pool and vetting for hub staff and the management unit) --
    Case("expert-profile-edit", only(200, EXPERTS, other=403), note="an expert's own profile: no id, nobody else's"),
    Case("expert-pool", only(200, {*HUB_STAFF, "management"}, other=403), extra={"hub_lead": 200}),
    Case(
        "expert-detail",
        only(200, {*HUB_STAFF, "management"}, other=403),
        kwargs=lambda w: {"pk": w.user("unassigned_expert").pk},
        extra={"hub_lead": 200},
        note="hub staff read it; the management unit also vets there",
    ),
    Case(
        "expert-vetting",
        only(302, {"management"}, other=403),
        method="post",
        kwargs=lambda w: {"pk": w.user("unassigned_expert").pk},
        data=lambda w: {"status": "suspended", "reason": "A complaint under review", "confirm": "on"},
        extra={"hub_lead": 403},
        note="the management unit only; hub staff read the profile but never vet",
    ),
    Case(
        "expert-conflicts-review",
        only(302, {"management"}, other=403),
        method="post",
        kwargs=_conflicts_changed,
        data=lambda w: {"declared_at": CONFLICTS_CHANGED_AT.isoformat()},
        extra={"hub_lead": 403},
        note="the management unit marks an expert's changed standing conflicts as reviewed; hub staff only read them",
    ),
    # --- an expert's own leave and standby (no id but a period's own: another expert's is 404) ----------------
    Case("expert-availability", only(200, EXPERTS, other=403), extra={"hub_lead": 403, "former_city": 403}),
    Case(
        "expert-leave-add",
        only(302, EXPERTS, other=403),
        method="post",
        data=lambda w: {"leave-starts_on": _days_on(1), "leave-ends_on": _days_on(5)},
        extra={"hub_lead": 403},
    ),
    Case(
        "expert-standby-add",
        only(302, EXPERTS, other=403),
        method="post",
        data=lambda w: {
            "standby-starts_on": _days_on(0),
            "standby-ends_on": _days_on(6),
            "standby-regions": [w.req.region_id],
            "standby-languages": ["en", "fr"],
        },
        extra={"hub_lead": 403},
    ),
    Case(
        "expert-period-remove",
        {**only(302, {"assigned_expert"}, other=403), "unassigned_expert": 404},
        method="post",
        kwargs=_assigned_experts_leave,
        data=lambda w: {"confirm": "on"},
        extra={"hub_lead": 403},
        note="the assigned expert removes their own leave; another expert gets 404 (no probing of periods)",
    ),
    # --- the resource hub -----------------------------------------------------------------------------------
    Case("resource-list", SIGNED_IN, note="published resources: every signed-in person, the steering committee too"),
    Case("resource-new", only(200, WRITERS, other=403), note="focal points propose, hub staff and management write"),
    Case("resource-detail", RESOURCE_DRAFT, kwargs=_draft_resource, note="a draft: 404 beyond its writers and staff"),
    Case("resource-edit", RESOURCE_DRAFT, kwargs=_draft_resource),
    Case("resource-version", RESOURCE_DRAFT, kwargs=_draft_resource_version),
    Case("resource-file", RESOURCE_DRAFT, kwargs=_draft_resource_file),
    Case(
        "resource-review",
        {**only(200, {"management"}, other=404), "hub_region": 302},
        kwargs=_resource_in_review,
        note="the review page: a reviewer who did not write it; its writer is sent back to the resource",
    ),
    # --- the network's people ----------------------------------------------------------------------------
    Case(
        "people",
        only(200, {*HUB_STAFF, "management"}, other=403),
        extra={"hub_lead": 200, "former_city": 403},
        note="hub staff list their region's people, the management unit everyone; nobody else",
    ),
]


# --- a hub's calendar (its staff read it; its lead and the management unit keep it) ---------------------------
def _hub(world: World) -> dict[str, Any]:
    return {"pk": world.req.region_id}


def _hub_closure(world: World) -> dict[str, Any]:
    from helpdesk.models import HubClosure

    closure, _created = HubClosure.objects.get_or_create(
        region_id=world.req.region_id, day=_days_ahead(40), defaults={"name": "Hub retreat"}
    )
    return {"pk": world.req.region_id, "closure_pk": closure.pk}


def _days_ahead(days: int) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days)


HUB_CALENDAR_KEEPERS = {**only(302, {"management"}, other=403), "hub_other_region": 404}
CASES += [
    Case(
        "hub-calendar",
        {**only(200, {"hub_region", "management"}, other=403), "hub_other_region": 404},
        kwargs=_hub,
        extra={"hub_lead": 200, "former_city": 403},
        note="the hub's own staff and the management unit; another hub's staff: 404",
    ),
    Case(
        "hub-closure-add",
        HUB_CALENDAR_KEEPERS,
        method="post",
        kwargs=_hub,
        data=lambda w: {"day": _days_ahead(30).isoformat(), "name": "Hub retreat"},
        extra={"hub_lead": 302, "former_city": 403},
        note="the hub's lead and the management unit keep it; its officers read it only (403)",
    ),
    Case(
        "hub-closure-remove",
        HUB_CALENDAR_KEEPERS,
        method="post",
        kwargs=_hub_closure,
        extra={"hub_lead": 302, "former_city": 403},
    ),
]

# Pages that list requests, and the roles that may open them (others get 403 and are skipped).
LIST_PAGES: dict[str, set[str]] = {
    "home": set(ROLES) - {"anonymous"},
    "city-home": FOCAL_POINTS,
    "hub-queue": {*HUB_STAFF, "management"},
    "expert-inbox": EXPERTS,
    "queue-export": {*FOCAL_POINTS, *HUB_STAFF, "management"},
    "notifications:list": set(ROLES) - {"anonymous"},
}
