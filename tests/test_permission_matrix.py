"""Every URL of the project × every role and relation: the status each must get.

The URL patterns are read from the URLconf, so a URL added without a row in ``tests/permission_cases.py``
fails here. List pages and detail checks are tested to agree for every role.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from helpdesk.access import can
from helpdesk.models import SupportRequest
from helpdesk.selectors import visible_requests
from tests.access_world import ROLES, World, build_world
from tests.built_once import built_once, copy_files
from tests.factories import FundEnvelopeFactory, UserFactory
from tests.permission_cases import CASES, EXTRA_PEOPLE, LIST_PAGES, Case
from workflows.audit import log_append
from workflows.models import DeliveryReport, Evaluation, FundApplication

pytestmark = pytest.mark.django_db

# Patterns the matrix does not enumerate, and why.
EXCLUDED = {
    "admin/": "the admin has its own staff check (test_admin_refuses_everyone_who_is_not_staff)",
    "i18n/": "Django's set_language: no data behind it, nothing to protect",
    "api/v1/": "the API has its own matrix (tests/web/api/test_permissions.py), which runs these pages' rules over it",
}
REFERENCE = re.compile(r"SCN-\d{4}-\d{6}")


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    # The world is built once for the module and each test runs in a transaction rolled back inside it
    # (tests/built_once.py): building it took longer than most rows' requests, and every test reads the same world.
    with built_once(django_db_blocker, tmp_path_factory.mktemp("access-world")) as files:
        yield build_world(), files


@pytest.fixture
def world(shared_world, db, tmp_path) -> World:
    built, files = shared_world
    copy_files(files, tmp_path)
    # A copy of the Python objects: what one test refreshes or edits is not the next test's starting point.
    return copy.deepcopy(built)


def _patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if any(route.startswith(excluded) for excluded in EXCLUDED):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            found.append((route, f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>"))
    return found


def test_every_url_pattern_has_a_case():
    names = {name for _route, name in _patterns()}
    unnamed = sorted(name for name in names if name.startswith("<unnamed"))
    assert not unnamed, f"give these URL patterns a name: {unnamed}"
    cases = [case.name for case in CASES]
    assert len(cases) == len(set(cases)), "one case per URL name"
    missing = sorted(names - set(cases))
    assert not missing, f"add a row to tests/permission_cases.py for: {missing}"
    stale = sorted(set(cases) - names)
    assert not stale, f"these rows name no URL any more: {stale}"


def test_every_case_states_every_role():
    for case in CASES:
        assert set(case.expect) == set(ROLES), (case.name, sorted(set(ROLES) ^ set(case.expect)))
        assert set(case.expect.values()) <= {200, 302, 403, 404}, case.name
        assert set(case.extra) <= set(EXTRA_PEOPLE), case.name


def _status(world: World, case: Case, role: str) -> int:
    client = Client()
    person = world.user(role) if role in ROLES else world.extra[role]
    if person is not None:
        client.force_login(person)
    url = reverse(case.name, kwargs=case.kwargs(world)) + case.query
    response = getattr(client, case.method)(url, case.data(world)) if case.method == "post" else client.get(url)
    return response.status_code


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_status_of_every_url_for_every_role(case, world):
    wrong = {}
    expected = {**case.expect, **case.extra}
    for role in expected:
        # Each role's request in its own rolled-back transaction: one role's post changes nothing for the next.
        with transaction.atomic():
            status = _status(world, case, role)
            transaction.set_rollback(True)
        if status != expected[role]:
            wrong[role] = f"expected {expected[role]}, got {status}"
    assert not wrong, f"{case.name}: {wrong}"


def test_a_draft_is_the_citys_own_until_it_is_submitted(client, world):
    """Its page, its place in every list and ``can(view)``: the city's focal points only, not its hub nor the
    management unit; once submitted, everyone who sees the city's requests."""
    expected = {role: 302 if role == "anonymous" else 200 if role == "own_city" else 404 for role in ROLES}
    for role in ROLES:
        person = world.user(role)
        client.logout()
        if person is not None:
            client.force_login(person)
        status = client.get(world.draft.get_absolute_url()).status_code
        assert status == expected[role], role
        assert (world.draft in visible_requests(person)) is (role == "own_city"), role
        assert can(person, "view", world.draft) is (role == "own_city"), role
    SupportRequest.objects.filter(pk=world.draft.pk).update(state="submitted")
    world.draft.refresh_from_db()
    for role in ("hub_region", "management"):
        assert can(world.user(role), "view", world.draft) and world.draft in visible_requests(world.user(role))


def test_admin_refuses_everyone_who_is_not_staff(client, world):
    for role in ROLES:
        person = world.user(role)
        client.logout()
        if person is not None:
            client.force_login(person)
        for url in ("/admin/", "/admin/helpdesk/supportrequest/", f"/admin/helpdesk/supportrequest/{world.req.pk}/"):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (role, url)
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/helpdesk/supportrequest/").status_code == 200


def _listed(client: Client, name: str) -> set[str]:
    response = client.get(reverse(name))
    assert response.status_code == 200, name
    body = (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8", "replace")
    return set(REFERENCE.findall(body))


def test_list_pages_and_detail_checks_agree_for_every_role(world):
    references = set(SupportRequest.objects.values_list("reference", flat=True))
    for role in ROLES:
        person = world.user(role)
        client = Client()
        if person is not None:
            client.force_login(person)
        opens = {ref for ref in references if client.get(reverse("request-detail", args=[ref])).status_code == 200}
        # The detail check is the selector: a page opens exactly when visible_requests lists the request.
        assert opens == set(visible_requests(person).values_list("reference", flat=True)), role
        for page, roles in LIST_PAGES.items():
            if role not in roles:
                continue
            listed = _listed(client, page) & references
            assert listed <= opens, f"{role} sees on {page} requests that do not open: {sorted(listed - opens)}"


def test_the_record_on_the_request_page_shows_to_exactly_those_can_allows(world):
    """The grant, each delivery report, the evaluation and the fund decisions, role by role: what the page
    shows is what ``can`` answers, and that is the table below."""
    req = world.req
    hub, assigned, mu = world.user("hub_region"), world.user("assigned_expert"), world.user("management")
    now = timezone.now()
    envelope = FundEnvelopeFactory(region=req.region, fiscal_year=2026, amount=Decimal(100000))
    FundApplication.objects.create(
        request=req,
        envelope=envelope,
        amount_requested=Decimal(1000),
        amount_approved=Decimal(1000),
        strategic_priority=1,
        justification="Why.",
        status=FundApplication.Status.APPROVED,
        conditions="Grant conditions text",
        decided_by=mu,
        decided_at=now,
    )
    DeliveryReport.objects.create(request=req, author=assigned, report="<p>Expert report text</p>")
    DeliveryReport.objects.create(request=req, author=hub, report="<p>Hub report text</p>")
    Evaluation.objects.create(
        request=req, author=world.user("own_city"), rating=4, outcomes="Outcomes text", would_recommend=True
    )
    # The trail the page reads to know there is a record to read.
    for transition, before, after in (
        ("submit", "draft", "submitted"),
        ("route_to_funding", "submitted", "funding_review"),
        ("approve_funding", "funding_review", "in_delivery"),
        ("report_delivery", "in_delivery", "delivered"),
        ("evaluate", "delivered", "closed"),
    ):
        log_append(
            request_id=req.pk, transition=transition, from_state=before, to_state=after, actor_id=hub.pk, created_at=now
        )
    texts = {
        "grant": "Grant conditions text",
        "expert_report": "Expert report text",
        "hub_report": "Hub report text",
        "evaluation": "Outcomes text",
        "decisions": 'id="fund-title"',
    }
    questions = {
        "grant": ("view_grant", {}),
        "expert_report": ("view_delivery_report", {"author_id": assigned.pk}),
        "hub_report": ("view_delivery_report", {"author_id": hub.pk}),
        "evaluation": ("view_evaluation", {}),
        "decisions": ("view_fund_decision", {}),
    }
    everything = set(texts)
    expected = {
        "own_city": {"grant", "expert_report", "hub_report", "evaluation"},
        "assigned_expert": {"expert_report"},
        "hub_region": everything,
        "management": everything,
    }
    for role in ROLES:
        person = world.user(role)
        client = Client()
        if person is not None:
            client.force_login(person)
        page = client.get(req.get_absolute_url()).content.decode()
        shown = {name for name, text in texts.items() if text in page}
        allowed = {name for name, (action, context) in questions.items() if can(person, action, req, **context)}
        assert shown == allowed == expected.get(role, set()), role
