"""The one place that decides what a person may do with a request, a message or an attachment.

``can(user, action, obj, **context)`` answers every yes/no; ``helpdesk.selectors.visible_requests`` lists
with the same rules. Scope that follows geography (a focal point's cities, a hub's region) is read from
foreign keys; an expert's reach is a django-guardian object permission granted when they are proposed.

What ``can`` needs about the person (roles, cities, region, granted requests, vetting) is read through the
``User`` model's access properties, each once per instance (a user lives for one HTTP request or task):
checking every row of a page costs no query per row, and a change counts from the next request on.
``people_prime`` reads them for many people in a fixed number of queries (a notification's recipients).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.functional import LazyObject, empty

from helpdesk import access_hubs as hub_rules
from helpdesk import access_people as people_rules
from helpdesk.models import (
    CONSENT_GIVEN,
    Attachment,
    City,
    Consent,
    ExpertProfile,
    Message,
    RequestState,
    Resource,
    ResourceState,
    Role,
    Sensitivity,
    SupportKind,
    SupportRequest,
    SupportRequestUserObjectPermission,
    User,
    Visibility,
)
from helpdesk.models.membership import RetainedRead
from helpdesk.models.people import PRIMED_GRANTS, PRIMED_RETAINED, PRIMED_SUSPENSION, VIEW_GRANT

VIEW_PERMISSION = "helpdesk.view_supportrequest"
ALL_CHANNELS = frozenset(Visibility.values)

Person = User | AnonymousUser | None


def _active(user: Person) -> TypeGuard[User]:
    """A signed-in person whose account is active (the anonymous user is never authenticated)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


class _Scope:
    """What one person may reach, as the questions the rules ask (read from the user's access properties)."""

    __slots__ = ("user",)

    def __init__(self, user: User) -> None:
        self.user = user

    @property
    def steering_only(self) -> bool:
        # The steering committee sees aggregates, never a request: the role overrides any other.
        return Role.STEERING in self.user.roles

    @property
    def management(self) -> bool:
        return Role.MANAGEMENT in self.user.roles

    @property
    def hub_region_id(self) -> int | None:
        return self.user.region_id if Role.HUB_STAFF in self.user.roles else None

    @property
    def city_ids(self) -> frozenset[int]:
        return self.user.focal_city_ids

    @property
    def expert_ok(self) -> bool:
        return self.user.expert_in_good_standing

    @property
    def granted(self) -> frozenset[int]:
        return self.user.granted_request_ids

    @property
    def retained(self) -> frozenset[int]:
        """Requests a former focal point still reads (kept at a handover when the city asked for it)."""
        return self.user.retained_request_ids

    @property
    def hub_lead(self) -> bool:
        return self.hub_region_id is not None and self.user.is_hub_lead

    # --- relations to one request ---------------------------------------------------------------
    def is_hub_of(self, request: SupportRequest) -> bool:
        return self.hub_region_id is not None and self.hub_region_id == request.region_id

    def is_focal_of(self, request: SupportRequest) -> bool:
        return request.city_id in self.city_ids

    def is_expert_on(self, request: SupportRequest) -> bool:
        return request.pk in self.granted

    def oversees(self, request: SupportRequest) -> bool:
        """Hub staff of the request's region or the management unit: the people restricted content is for."""
        return self.management or self.is_hub_of(request)

    def sees_in_full(self, request: SupportRequest) -> bool:
        """Sees the whole request (not only the expert's brief)."""
        return self.oversees(request) or self.is_focal_of(request)

    def reads_only(self, request: SupportRequest) -> bool:
        """A former focal point's kept read access: they read the request and the city's messages, and do
        nothing else on it (no message, no move, no file)."""
        return request.pk in self.retained and not (self.sees_in_full(request) or self.is_expert_on(request))

    def views(self, request: SupportRequest) -> bool:
        # A draft is the city's own until it is submitted: not even its hub or the management unit reads it.
        if request.state == RequestState.DRAFT:
            return self.is_focal_of(request)
        return self.sees_in_full(request) or self.is_expert_on(request) or request.pk in self.retained

    def shared_with(self, attachment: Attachment) -> bool:
        """A city file the hub shared with this expert (read once per person, and only for experts)."""
        request = attachment.request
        return self.is_expert_on(request) and attachment.pk in self.user.shared_attachment_ids(request.pk)

    def channels(self, request: SupportRequest) -> frozenset[str]:
        """The message channels this person reads and writes on ``request``."""
        if self.oversees(request):
            return ALL_CHANNELS
        channels: set[str] = set()
        if self.is_focal_of(request) or request.pk in self.retained:
            channels.add(Visibility.CITY)
        if self.is_expert_on(request):
            channels.add(Visibility.EXPERT)
        return frozenset(channels)


def scope(user: User) -> _Scope:
    # ``request.user`` is a lazy wrapper: the rules read the person behind it, not each attribute through it.
    if isinstance(user, LazyObject):
        wrapped = user._wrapped  # type: ignore[attr-defined]  # LazyObject's private slot: not in django-stubs
        if wrapped is not empty:
            return _Scope(wrapped)
    return _Scope(user)


def people_prime(users: Iterable[User]) -> None:
    """Read the access of many people at once, so that ``can`` then costs no query for any of them.

    At most five queries whatever the number of people (roles, cities, kept read access, and for experts their
    suspension and grants), through Django's prefetching (which skips what an instance already holds): what a
    notification fan-out or a recipients list needs before asking ``can`` about each.
    """
    people = list(users)
    grants = SupportRequestUserObjectPermission.objects.filter(permission__codename=VIEW_GRANT).only(
        "user_id", "content_object_id"
    )
    suspended = ExpertProfile.objects.filter(vetting_status=ExpertProfile.Vetting.SUSPENDED).only("user_id")
    retained = RetainedRead.objects.only("user_id", "request_id")
    prefetch_related_objects(
        people, "groups", "cities", Prefetch("retained_reads", queryset=retained, to_attr=PRIMED_RETAINED)
    )
    experts = [user for user in people if Role.EXPERT in user.roles]
    if experts:
        prefetch_related_objects(
            experts,
            Prefetch("expert_profile", queryset=suspended, to_attr=PRIMED_SUSPENSION),
            Prefetch("supportrequestuserobjectpermission_set", queryset=grants, to_attr=PRIMED_GRANTS),
        )


def forget(user: Person) -> None:
    """Drop what was read about ``user``'s access (after a grant, a role change, in tests)."""
    if isinstance(user, User):
        user.access_changed()


def _request_of(obj: SupportRequest | Message | Attachment) -> SupportRequest:
    return obj if isinstance(obj, SupportRequest) else obj.request


def _author_id(obj: SupportRequest | Message | Attachment) -> int | None:
    if isinstance(obj, SupportRequest):
        return obj.submitted_by_id
    if isinstance(obj, Message):
        return obj.author_id
    return obj.uploaded_by_id


def _see_restricted(s: _Scope, obj: SupportRequest | Message | Attachment) -> bool:
    request = _request_of(obj)
    if not s.views(request):
        return False
    # The author of restricted text already knows it; everyone else except the overseers sees "withheld".
    return s.oversees(request) or (_author_id(obj) is not None and _author_id(obj) == s.user.pk)


def _view(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return s.views(request)


def _comment(s: _Scope, request: SupportRequest, *, visibility: str = Visibility.CITY, **_: Any) -> bool:
    return request.anonymised_at is None and visibility in s.channels(request) and not s.reads_only(request)


def _see_message(s: _Scope, message: Message, **_: Any) -> bool:
    return message.visibility in s.channels(message.request)


def _download(s: _Scope, attachment: Attachment, **_: Any) -> bool:
    if attachment.visibility not in s.channels(attachment.request) and not s.shared_with(attachment):
        return False
    return attachment.sensitivity != Sensitivity.RESTRICTED or _see_restricted(s, attachment)


def _share_file(s: _Scope, obj: SupportRequest | Attachment, **_: Any) -> bool:
    """Hub staff of the region choose which city files an expert of the request may read."""
    return s.is_hub_of(_request_of(obj)) and _request_of(obj).anonymised_at is None


def _act(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return request.anonymised_at is None and s.views(request) and not s.reads_only(request)


def _edit_draft(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    """Change a draft's content and files: the city's own focal points, while it is a draft (the hub sees it
    only once submitted, so nobody else has a reason to touch it)."""
    return request.anonymised_at is None and request.state == RequestState.DRAFT and s.is_focal_of(request)


def _manage_owner(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    """Who follows a request for the hub: its overseers, while something can still happen to it."""
    return s.oversees(request) and not request.is_terminal


def _view_access_log(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return s.management


def _propose_expert(s: _Scope, request: SupportRequest, *, expert: User | None = None, **_: Any) -> bool:
    if not s.oversees(request) or request.anonymised_at is not None or not _active(expert):
        return False
    assert expert is not None
    if not expert.has_role(Role.EXPERT) or expert.has_role(Role.STEERING):
        return False
    # Only a vetted, available expert without a standing conflict with the city or its country may be let in
    # (``access_people.expert_unfit``, the matching's own rule); the city's focal points never advise on it.
    profile = (
        ExpertProfile.objects.filter(user_id=expert.pk)
        .only("user_id", "vetting_status", "availability", "conflict_countries")
        .prefetch_related(Prefetch("conflict_cities", queryset=City.objects.only("pk")))
        .first()
    )
    if profile is None:
        return False
    profile.user = expert
    return people_rules.expert_unfit(profile, request) is None and not scope(expert).is_focal_of(request)


def _oversee(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    """Sees a request's internal side: its experts and their declarations, its fund applications, its owner,
    watchers and internal notes, the filer's contact details."""
    return s.oversees(request)


def _match_experts(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return s.oversees(request) and request.anonymised_at is None


def _manage_watchers(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return s.oversees(request)


def _view_grant(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    """The fund's grant to the request (amount approved, conditions, what is reported and when): the city
    that received it as well as those who oversee it."""
    return s.sees_in_full(request)


def _view_delivery_report(s: _Scope, request: SupportRequest, *, author_id: int | None = None, **_: Any) -> bool:
    """A delivery report of ``request`` written by ``author_id``: the city and the overseers read every one;
    an expert reads the one they wrote (a report by the hub or another expert is not theirs to read)."""
    if s.sees_in_full(request):
        return True
    return author_id is not None and author_id == s.user.pk and s.is_expert_on(request)


def _release_restricted(s: _Scope, obj: SupportRequest | Message | Attachment, **_: Any) -> bool:
    return s.oversees(_request_of(obj))


def _publish_from_request(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    """Start "publish what was learned" from a closed request: its hub's staff."""
    return s.is_hub_of(request) and request.state == RequestState.CLOSED and request.anonymised_at is None


# The states in which the hub looks for a peer city for a request that asked for a peer exchange.
PEER_STATES = frozenset({RequestState.SUBMITTED, RequestState.EXPERT_MATCHING})


def _propose_introduction(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return (
        s.oversees(request)
        and request.kind == SupportKind.PEER_EXCHANGE
        and request.state in PEER_STATES
        and request.anonymised_at is None
    )


def _export(s: _Scope, obj: object = None, **_: Any) -> bool:
    return s.management or s.hub_region_id is not None or bool(s.city_ids)


_RULES: dict[str, Callable[..., bool]] = {
    "view": _view,
    "see_restricted": lambda s, obj, **_: _see_restricted(s, obj),
    "comment": _comment,
    "see_message": _see_message,
    "download": _download,
    "act": _act,
    "edit_draft": _edit_draft,
    "manage_owner": _manage_owner,
    "oversee": _oversee,
    "match_experts": _match_experts,
    "manage_watchers": _manage_watchers,
    "view_access_log": _view_access_log,
    "propose_expert": _propose_expert,
    "release_restricted": _release_restricted,
    "view_grant": _view_grant,
    # What the management unit decided on each fund application, why, who and when; the city's evaluation.
    "view_fund_decision": _oversee,
    # The city reads back the evaluation it gave, as the overseers read it; experts do not.
    "view_evaluation": _view_grant,
    "view_delivery_report": _view_delivery_report,
    "share_file": _share_file,
    "export": _export,
    "publish_from_request": _publish_from_request,
    "propose_introduction": _propose_introduction,
}


# --- The resource hub and peer introductions: objects that are not a request's content ---------------
def _staff_over(s: _Scope, resource: Resource) -> bool:
    """The management unit, and hub staff: of the resource's hub, or any hub's for a resource of no hub."""
    if s.management:
        return True
    return s.hub_region_id is not None and resource.region_id in (None, s.hub_region_id)


def _view_resource(s: _Scope, resource: Resource, **_: Any) -> bool:
    # Published: every signed-in person (it is not request content). Otherwise its author and the staff over it.
    if resource.state == ResourceState.PUBLISHED:
        return True
    if s.steering_only:
        return False
    if resource.consent != Consent.NOT_NEEDED and resource.city_id is not None and resource.city_id in s.city_ids:
        return True  # the city asked for its consent reads what it is asked to agree to
    return resource.created_by_id == s.user.pk or _staff_over(s, resource)


def _propose_resource(s: _Scope, obj: object = None, **_: Any) -> bool:
    """Write a new resource: a focal point proposes one (a policy of their city); hub staff and the management
    unit write them."""
    return s.management or s.hub_region_id is not None or bool(s.city_ids)


def _edit_resource(s: _Scope, resource: Resource, **_: Any) -> bool:
    if resource.state == ResourceState.DRAFT:
        return resource.created_by_id == s.user.pk or _staff_over(s, resource)
    if resource.state in (ResourceState.REVIEW, ResourceState.PUBLISHED):
        return _staff_over(s, resource)
    return False


def _submit_resource(s: _Scope, resource: Resource, **_: Any) -> bool:
    """Send a draft to review: whoever may edit it."""
    return resource.state == ResourceState.DRAFT and _edit_resource(s, resource)


def _writers(resource: Resource) -> set[int]:
    """Who wrote the resource: its author and whoever wrote or translated one of its language versions."""
    writers = {resource.created_by_id} | {version.written_by_id for version in resource.versions.all()}
    return {pk for pk in writers if pk is not None}


def _review_resource(s: _Scope, resource: Resource, **_: Any) -> bool:
    """Decide on a resource in review (publish it, or send it back): staff over it who did not write it."""
    return resource.state == ResourceState.REVIEW and _staff_over(s, resource) and s.user.pk not in _writers(resource)


def _publish_resource(s: _Scope, resource: Resource, **_: Any) -> bool:
    """Publish: a reviewer, once the city consented where its consent is needed."""
    return _review_resource(s, resource) and resource.consent in CONSENT_GIVEN


def _archive_resource(s: _Scope, resource: Resource, **_: Any) -> bool:
    return resource.state == ResourceState.PUBLISHED and _staff_over(s, resource)


def _answer_consent(s: _Scope, resource: Resource, **_: Any) -> bool:
    """The city's focal points answer the request for consent about their city."""
    return resource.consent == Consent.ASKED and resource.city_id is not None and resource.city_id in s.city_ids


def _answer_introduction(s: _Scope, introduction: Any, **_: Any) -> bool:
    """A focal point of either city answers a proposed introduction, once for their city."""
    if introduction.status != introduction.Status.PROPOSED:
        return False
    if introduction.request.city_id in s.city_ids and not introduction.asking_answer:
        return True
    return introduction.peer_city_id in s.city_ids and not introduction.peer_answer


def _view_introduction(s: _Scope, introduction: Any, **_: Any) -> bool:
    """A focal point of either city, and whoever oversees the asking request (its hub, the management unit);
    what each side reads of the other is ``workflows.peers``'s to say."""
    request = introduction.request
    if request.city_id in s.city_ids or introduction.peer_city_id in s.city_ids:
        return True
    return s.oversees(request)


def _set_peer_contact(s: _Scope, city: City, **_: Any) -> bool:
    """A city's focal points choose the themes on which another city may contact theirs."""
    return city is not None and city.pk in s.city_ids


def _withdraw_introduction(s: _Scope, introduction: Any, **_: Any) -> bool:
    """The request's hub takes back an introduction that is still waiting for an answer (a wrong city, a need
    that changed); once made, it is the cities' own."""
    return introduction.status == introduction.Status.PROPOSED and s.is_hub_of(introduction.request)


def _choose_mail_reply(s: _Scope, _obj: Any = None, **_: Any) -> bool:
    """Hub staff and the management unit write on more than one channel, so they choose where their replies by
    e-mail land (``User.mail_reply_visibility``); a city's and an expert's have one channel each."""
    return s.management or s.hub_region_id is not None


def _declare_ties(s: _Scope, _obj: Any = None, **_: Any) -> bool:
    """The management unit and hub staff decide about cities' requests, so they declare the cities they are tied
    to (``User.tied_cities``): a member of the management unit tied to a city does not decide its grants."""
    return s.management or s.hub_region_id is not None


_OTHER_RULES: dict[str, Callable[..., bool]] = {
    "view_resource": _view_resource,
    "propose_resource": _propose_resource,
    "edit_resource": _edit_resource,
    "submit_resource": _submit_resource,
    "review_resource": _review_resource,
    "publish_resource": _publish_resource,
    "archive_resource": _archive_resource,
    "answer_consent": _answer_consent,
    # ``introduction`` is a ``workflows.models.PeerIntroduction`` (the lifecycle owns it; this layer sits below).
    "answer_introduction": _answer_introduction,
    "withdraw_introduction": _withdraw_introduction,
    "view_introduction": _view_introduction,
    "set_peer_contact": _set_peer_contact,
    "choose_mail_reply": _choose_mail_reply,
    "declare_ties": _declare_ties,
    # The network's people, invitations, city records and expert pool (``helpdesk.access_people``).
    **people_rules.RULES,
    # A hub's calendar: its time zone, working week and closure days (``helpdesk.access_hubs``).
    **hub_rules.RULES,
}
ACTIONS = frozenset(_RULES) | frozenset(_OTHER_RULES)


def can(user: Person, action: str, obj: Any = None, **context: Any) -> bool:
    """May ``user`` do ``action`` on ``obj``? Unknown actions raise; nobody inactive may do anything.

    Every rule first requires that the person sees the request the object belongs to, so a page can turn
    ``False`` into 404 without a second question.
    """
    if action in _OTHER_RULES:
        # Not a request's content: each rule says who may, the steering committee included where it may read.
        if not _active(user):
            return False
        s = scope(user)
        if s.steering_only and action != "view_resource" and action not in people_rules.STEERING_ALLOWED:
            return False
        return _OTHER_RULES[action](s, obj, **context)
    rule = _RULES.get(action)
    if rule is None:
        raise ValueError(f"Unknown action {action!r}; known: {sorted(ACTIONS)}")
    if not _active(user):
        return False
    s = scope(user)
    if s.steering_only:
        return False
    if obj is None:
        return action == "export" and rule(s, None)
    if not s.views(_request_of(obj)):
        return False
    return rule(s, obj, **context)


def readable_channels(user: Person, request: SupportRequest) -> frozenset[str]:
    """The message channels ``user`` reads on ``request`` (empty when they may not see it)."""
    if not _active(user) or not can(user, "view", request):
        return frozenset()
    return scope(user).channels(request)


def mail_reply_channel(user: Person, request: SupportRequest) -> str | None:
    """The channel a reply by e-mail from ``user`` about ``request`` lands on, or None if they may write on none.

    A city's focal point writes to the hub (city channel), an expert on the expert channel, hub staff and the
    management unit where they chose (``User.mail_reply_visibility``, an internal note unless they chose the
    city). Their reply address is offered, and their reply accepted, only on a channel ``can`` lets them write.
    """
    if not _active(user):
        return None
    s = scope(user)
    candidates: list[str] = []
    if s.oversees(request):
        chosen = user.mail_reply_visibility
        candidates.append(chosen if chosen in (Visibility.CITY, Visibility.INTERNAL) else Visibility.INTERNAL)
    if s.is_focal_of(request):
        candidates.append(Visibility.CITY)
    if s.is_expert_on(request):
        candidates.append(Visibility.EXPERT)
    return next((channel for channel in candidates if can(user, "comment", request, visibility=channel)), None)


def sees_brief_only(user: Person, request: SupportRequest) -> bool:
    """True when ``user`` sees ``request`` only as an expert's brief."""
    return _active(user) and can(user, "view", request) and not scope(user).sees_in_full(request)


# --- Scope helpers used by the workflow's permission rules (signatures are a contract) ----------------
def is_management(user: Person) -> bool:
    return _active(user) and not scope(user).steering_only and scope(user).management


def is_focal_point_of(user: Person, request: SupportRequest) -> bool:
    return _active(user) and not scope(user).steering_only and scope(user).is_focal_of(request)


def is_hub_staff_of(user: Person, request: SupportRequest) -> bool:
    return _active(user) and not scope(user).steering_only and scope(user).is_hub_of(request)


def is_expert_in_good_standing(user: Person) -> bool:
    """An active expert of the pool who is not suspended (what any expert's move needs besides the
    assignment itself; the workflow reads the assignment from its per-request facts)."""
    return _active(user) and not scope(user).steering_only and scope(user).expert_ok
