"""A city's focal point handover and deactivating a person (``notifications.services.people``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpdesk.access import can
from helpdesk.models import (
    Invitation,
    Message,
    PeopleAction,
    PeopleLog,
    RetainedRead,
    Role,
    SupportRequest,
    User,
)
from helpdesk.selectors import visible_requests
from helpdesk.services import api_token_create
from helpdesk.services.handover import HANDOVER_LINE
from notifications import events
from notifications.models import Channel, Notification, Reason, Watch
from notifications.services.people import focal_point_handover, person_deactivate, person_reactivate
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management
from tests.web.pages import in_state
from workflows.audit import audit_verify
from workflows.models import ExpertAssignment, TransitionLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_net():
    region = RegionFactory()
    city = CityFactory(region=region)
    former = focal_point(city, username="former.fp")
    successor = focal_point(city, username="new.fp")
    hub = hub_staff(region, username="hub.officer")
    lead = hub_staff(region, username="hub.lead", is_hub_lead=True)
    rows = {
        "open": in_state("submitted", city=city, submitted_by=former),
        "info": in_state("info_requested", city=city, submitted_by=former),
        "draft": in_state("draft", city=city, submitted_by=former),
        "closed": in_state("closed", city=city, submitted_by=former),
        "theirs": in_state("submitted", city=city, submitted_by=successor),
    }
    Watch.objects.create(request=rows["open"], user=former)
    Watch.objects.create(request=rows["theirs"], user=former)
    Watch.objects.create(request=rows["theirs"], user=successor)
    return {"region": region, "city": city, "former": former, "successor": successor, "hub": hub, "lead": lead, **rows}


def _handover(net, *, keep_read=False, actor=None):
    return focal_point_handover(
        actor=actor or net["hub"],
        city=net["city"],
        former=net["former"],
        successor=net["successor"],
        keep_read=keep_read,
    )


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_a_handover_moves_every_open_request_draft_and_watch(city_net, django_capture_on_commit_callbacks):
    net = city_net
    with django_capture_on_commit_callbacks(execute=True):
        result = _handover(net)
    moved = {net["open"].pk, net["info"].pk, net["draft"].pk}
    assert set(SupportRequest.objects.filter(submitted_by=net["successor"]).values_list("pk", flat=True)) == {
        *moved,
        net["theirs"].pk,
    }
    # A closed request stays as it was filed: it is the record of who filed it.
    assert SupportRequest.objects.get(pk=net["closed"].pk).submitted_by_id == net["former"].pk
    assert set(result.request_ids) == {net["open"].pk, net["info"].pk} and result.draft_ids == [net["draft"].pk]
    assert not Watch.objects.filter(user=net["former"]).exists()
    watched = list(Watch.objects.filter(user=net["successor"]).values_list("request_id", flat=True))
    assert sorted(watched) == sorted([net["open"].pk, net["theirs"].pk])  # no second watch on "theirs"
    assert result.watches == 2
    former = _fresh(net["former"])
    assert not former.cities.exists() and Role.FOCAL_POINT not in former.roles and result.role_dropped
    # The people log's row, and a line on each submitted request's trail (a draft has none yet).
    log = PeopleLog.objects.get(action=PeopleAction.HANDOVER)
    assert log.actor == net["hub"] and log.person == net["former"] and log.city == net["city"]
    assert log.region == net["region"]
    assert sorted(log.detail["requests"]) == sorted(result.request_ids) and log.detail["drafts"] == result.draft_ids
    assert log.detail["successor"] == net["successor"].pk and log.detail["watches"] == 2
    lines = TransitionLog.objects.filter(transition=HANDOVER_LINE)
    assert sorted(lines.values_list("request_id", flat=True)) == sorted(result.request_ids)
    assert audit_verify().intact


def test_the_former_focal_point_loses_access_at_once(city_net, client):
    net = city_net
    _handover(net)
    former = _fresh(net["former"])
    assert not visible_requests(former).exists()
    client.force_login(former)
    for row in ("open", "draft", "closed"):
        assert client.get(net[row].get_absolute_url()).status_code in (403, 404), row
    # The successor opens every one of them.
    client.force_login(_fresh(net["successor"]))
    for row in ("open", "info", "draft", "closed"):
        assert client.get(net[row].get_absolute_url()).status_code == 200, row
    # The handover's line on the request's timeline, in words.
    page = client.get(net["open"].get_absolute_url()).content.decode()
    assert "The city&#x27;s focal point changed" in page and HANDOVER_LINE not in page


def test_with_kept_read_access_the_former_reads_but_cannot_write_or_act(city_net, client):
    net = city_net
    result = _handover(net, keep_read=True)
    kept = {net["open"].pk, net["info"].pk, net["closed"].pk}
    assert set(result.kept_read_ids) == kept and not result.role_dropped
    assert set(RetainedRead.objects.filter(user=net["former"]).values_list("request_id", flat=True)) == kept
    former = _fresh(net["former"])
    assert Role.FOCAL_POINT in former.roles and not former.cities.exists()
    assert set(visible_requests(former).values_list("pk", flat=True)) == kept
    request = net["info"]
    assert can(former, "view", request)
    assert not can(former, "comment", request) and not can(former, "act", request)
    assert not can(former, "view", net["draft"]) and not can(former, "view", net["theirs"])
    client.force_login(former)
    assert client.get(request.get_absolute_url()).status_code == 200
    before = Message.objects.count()
    client.post(reverse("request-message", args=[request.reference]), {"body": "Still me", "visibility": "city"})
    assert Message.objects.count() == before
    client.post(reverse("request-move", args=[request.reference, "provide_info"]), {"comment": "x"})
    assert SupportRequest.objects.get(pk=request.pk).state == "info_requested"


def test_both_are_told_once_in_the_desk_and_by_email(city_net, django_capture_on_commit_callbacks):
    net = city_net
    with django_capture_on_commit_callbacks(execute=True):
        _handover(net)
    told = Notification.objects.filter(channel=Channel.IN_APP).values_list("recipient_id", "event")
    assert sorted(told) == sorted(
        [(net["successor"].pk, events.HANDOVER_RECEIVED), (net["former"].pk, events.HANDOVER_GIVEN)]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([net["former"].email, net["successor"].email])
    for message in mail.outbox:
        # Content-free: no request's reference or title.
        assert net["open"].reference not in message.body and net["open"].title not in message.body


@pytest.mark.parametrize("case", ["not_a_focal_point", "same", "inactive", "other_city"])
def test_the_successor_must_be_another_active_focal_point_of_the_city(city_net, case):
    net = city_net
    successor = {
        "not_a_focal_point": lambda: hub_staff(net["region"]),
        "same": lambda: net["former"],
        "inactive": lambda: focal_point(net["city"], is_active=False),
        "other_city": lambda: focal_point(CityFactory(region=net["region"])),
    }[case]()
    with pytest.raises(ValidationError):
        focal_point_handover(
            actor=net["hub"], city=net["city"], former=net["former"], successor=successor, keep_read=False
        )
    assert SupportRequest.objects.filter(submitted_by=net["former"]).count() == 4


def test_only_the_citys_hub_and_the_management_unit_hand_it_over(city_net):
    net = city_net
    for outsider in (hub_staff(RegionFactory()), net["successor"], expert()):
        with pytest.raises(PermissionDenied):
            _handover(net, actor=outsider)
    _handover(net, actor=management())
    assert not _fresh(net["former"]).cities.exists()


# --- Deactivation ---------------------------------------------------------------------------------------------
def test_a_deactivated_person_is_refused_on_their_next_request(city_net):
    net = city_net
    person = net["successor"]
    browser = Client()
    browser.force_login(person)
    assert browser.get(reverse("city-home")).status_code == 200
    _token, key = api_token_create(owner=person, name="tracker", second_factor_verified=True)
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:request-detail", args=[net["theirs"].reference])
    assert api.get(url).status_code == 200
    person_deactivate(actor=net["lead"], person=person, reason="Left the city's service")
    # The same session is answered as signed out (Django's ModelBackend refuses an inactive user).
    response = browser.get(reverse("city-home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert api.get(url).status_code == 401
    # Nothing is deleted.
    assert User.objects.filter(pk=person.pk, is_active=False).exists()
    assert SupportRequest.objects.filter(submitted_by=person).exists()


def test_deactivation_clears_ownership_and_flags_pending_work(city_net, django_capture_on_commit_callbacks):
    net = city_net
    officer = hub_staff(net["region"], username="leaving.officer")
    owned_open = in_state("submitted", city=net["city"], owner=officer)
    owned_closed = in_state("closed", city=net["city"], owner=officer)
    invitation = Invitation.objects.create(
        email="new@example.org",
        role=Role.FOCAL_POINT,
        city=net["city"],
        invited_by=officer,
        nonce="n",
        expires_at=timezone.now() + timedelta(days=7),
    )
    result = person_deactivate(actor=net["lead"], person=officer, reason="Moved on")
    assert result.owned_request_ids == [owned_open.pk] and result.invitation_ids == [invitation.pk]
    assert SupportRequest.objects.get(pk=owned_open.pk).owner_id is None
    assert SupportRequest.objects.get(pk=owned_closed.pk).owner_id == officer.pk
    # As a change of owner made on the request page would be, the clearing is in the request's access log.
    from helpdesk.models import AccessLog

    cleared = AccessLog.objects.filter(action=AccessLog.Action.OWNER)
    assert list(cleared.values_list("request_id", "subject_id")) == [(owned_open.pk, None)]
    log = PeopleLog.objects.get(action=PeopleAction.DEACTIVATED)
    assert log.person == officer and log.detail["reason"] == "Moved on" and log.region == net["region"]
    assert log.detail["owned_requests"] == [owned_open.pk] and log.detail["invitations"] == [invitation.pk]

    # An expert proposed on a request: its hub staff are told which request lost its expert.
    gone = expert(username="expert.gone")
    assignment = ExpertAssignment.objects.create(request=owned_open, expert=gone, proposed_by=net["hub"])
    with django_capture_on_commit_callbacks(execute=True):
        done = person_deactivate(actor=management(), person=gone, reason="Conflict found")
    assert done.assignment_ids == [assignment.pk]
    told = Notification.objects.filter(event=events.EXPERT_DEACTIVATED, channel=Channel.IN_APP)
    assert {(n.recipient_id, n.request_id, n.reason) for n in told} == {
        (net["hub"].pk, owned_open.pk, Reason.HUB),
        (net["lead"].pk, owned_open.pk, Reason.HUB),
    }
    assert Notification.objects.filter(event=events.EXPERT_DEACTIVATED, channel=Channel.EMAIL).count() == 2


def test_who_may_deactivate_whom(city_net):
    net = city_net
    lead = net["lead"]
    other_region_fp = focal_point(CityFactory())
    other_lead = hub_staff(net["region"], is_hub_lead=True)
    an_expert = expert()
    for person in (other_region_fp, other_lead, an_expert, lead):
        with pytest.raises(PermissionDenied):
            person_deactivate(actor=lead, person=person, reason="no")
    # An officer (not the lead) deactivates nobody.
    with pytest.raises(PermissionDenied):
        person_deactivate(actor=net["hub"], person=net["former"], reason="no")
    unit = management()
    with pytest.raises(PermissionDenied):
        person_deactivate(actor=unit, person=unit, reason="no")
    assert User.objects.filter(is_active=False).count() == 0
    person_deactivate(actor=lead, person=net["former"], reason="Left")
    person_deactivate(actor=lead, person=net["hub"], reason="Left")
    person_deactivate(actor=unit, person=an_expert, reason="Left")
    assert set(User.objects.filter(is_active=False)) == {net["former"], net["hub"], an_expert}


def test_a_reason_is_required_and_reactivation_lets_them_back(city_net):
    net = city_net
    with pytest.raises(ValidationError):
        person_deactivate(actor=net["lead"], person=net["former"], reason="  ")
    person_deactivate(actor=net["lead"], person=net["former"], reason="Away")
    with pytest.raises(ValidationError):
        person_deactivate(actor=net["lead"], person=net["former"], reason="Again")
    log = person_reactivate(actor=net["lead"], person=net["former"], reason="Back")
    assert log.action == PeopleAction.REACTIVATED and log.detail["reason"] == "Back"
    former = _fresh(net["former"])
    assert former.is_active and former.cities.filter(pk=net["city"].pk).exists()
    browser = Client()
    browser.force_login(former)
    assert browser.get(net["open"].get_absolute_url()).status_code == 200


def _handover_queries(count: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    region = RegionFactory()
    city = CityFactory(region=region)
    former, successor, hub = focal_point(city), focal_point(city), hub_staff(region)
    for _n in range(count):
        Watch.objects.create(request=in_state("submitted", city=city, submitted_by=former), user=former)
        in_state("draft", city=city, submitted_by=former)
    with CaptureQueriesContext(connection) as queries:
        focal_point_handover(actor=hub, city=city, former=former, successor=successor, keep_read=True)
    return len(queries)


def test_a_handover_costs_the_same_for_one_request_or_many():
    few = _handover_queries(1)
    assert few == _handover_queries(12) and few <= 20, few


# --- a vetting decision, told to the expert ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("before", "after", "event"),
    [("pending", "vetted", events.EXPERT_VETTED), ("vetted", "suspended", events.EXPERT_SUSPENDED)],
)
def test_the_expert_is_told_of_the_vetting_decision_once_in_their_language_without_the_reason(
    client, django_capture_on_commit_callbacks, before, after, event
):
    from helpdesk.models import ExpertProfile
    from notifications.services.people import expert_vetting_decide

    person = expert(preferred_language="fr", email="expert@example.org")
    ExpertProfile.objects.filter(user=person).update(vetting_status=before)
    profile = ExpertProfile.objects.get(user=person)
    mu = management()
    with django_capture_on_commit_callbacks(execute=True):
        expert_vetting_decide(actor=mu, profile=profile, status=after, reason="Conflict with a donor, 2026")
    told = Notification.objects.filter(recipient=person, event=event)
    assert told.filter(channel=Channel.IN_APP).count() == 1
    sent = [m for m in mail.outbox if m.to == ["expert@example.org"]]
    assert len(sent) == 1 and "Conflict with a donor" not in sent[0].body
    assert ("/expert/profile/" in sent[0].body) is (after == "vetted")
    if after == "suspended":
        return  # a suspended expert with no other role is signed out of the desk: the e-mail is what they read
    # The desk's entry opens the expert's own profile, where the decision is.
    client.force_login(person)
    entry = told.get(channel=Channel.IN_APP)
    assert client.post(reverse("notifications:open", args=[entry.pk]))["Location"] == reverse("expert-profile-edit")
