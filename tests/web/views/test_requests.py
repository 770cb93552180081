"""The request page and its moves, through HTTP: each actor sees only their buttons, every move goes through
the workflow, refusals show their reason and keep the typed data, conflicts answer 409."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.models import Attachment, Message, SupportRequest
from tests.access_world import PDF_BYTES as PDF
from tests.factories import (
    CityFactory,
    FundEnvelopeFactory,
    IndicatorFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)
from tests.web.pages import in_state
from workflows.errors import TransitionConflict
from workflows.models import ExpertAssignment, FundApplication
from workflows.spec import PROPOSED_EXPERT_PHRASE

pytestmark = pytest.mark.django_db


def move_url(request: SupportRequest, name: str) -> str:
    return reverse("request-move", args=[request.reference, name])


def buttons(client, request: SupportRequest) -> set[str]:
    """The moves the page offers (each is a form posting to its move URL)."""
    page = client.get(request.get_absolute_url()).content.decode()
    prefix = f"/requests/{request.reference}/moves/"
    return {chunk.split("/")[0] for chunk in page.split(prefix)[1:]}


@pytest.fixture
def people():
    city = CityFactory()
    FundEnvelopeFactory(region=city.region, fiscal_year=2026, amount=100000)
    return {
        "city": city,
        "focal": focal_point(city),
        "hub": hub_staff(city.region),
        "expert": expert(themes=["young_cities"]),
        "mu": management(),
        "mu2": management(),
    }


def test_the_whole_story_through_the_pages(client, people):
    focal, hub, person, mu = people["focal"], people["hub"], people["expert"], people["mu"]
    client.force_login(focal)
    client.post(
        "/requests/new/",
        {
            "city": people["city"].pk,
            "title": "Youth council",
            "theme": "young_cities",
            "kind": "fund",
            "strategic_priority": "4",
            "description": "A youth council across communities.",
            "summary": "Seed funding for a youth council.",
            "language": "en",
            "urgency": "normal",
            "funding_requested": "12000",
            "currency": "EUR",
            "submit": "1",
        },
    )
    request = SupportRequest.objects.get()
    assert request.state == "submitted"
    client.post(
        reverse("request-message", args=[request.reference]),
        {"body": "Our budget plan.", "visibility": "city", "attachment": SimpleUploadedFile("plan.pdf", PDF)},
    )
    assert Attachment.objects.filter(request=request, original_name="plan.pdf").exists()
    assert buttons(client, request) == {"withdraw"}

    client.force_login(hub)
    assert {"request_info", "answer_directly", "decline", "route_to_funding", "withdraw"} - {"withdraw"} <= buttons(
        client, request
    )
    client.post(move_url(request, "request_info"), {"request_info-question": "Who else is involved?"})
    request.refresh_from_db()
    assert request.state == "info_requested"

    client.force_login(focal)
    assert "Who else is involved?" in client.get(request.get_absolute_url()).content.decode()
    client.post(move_url(request, "provide_info"), {"provide_info-answer": "The youth department."})
    request.refresh_from_db()
    assert request.state == "submitted"

    client.force_login(hub)
    response = client.get(reverse("request-matching", args=[request.reference]))
    assert person.get_full_name() in response.content.decode()
    client.post(reverse("request-matching", args=[request.reference]), {"experts": [str(person.pk)]})
    request.refresh_from_db()
    assert request.state == "expert_matching"

    client.force_login(person)
    assert "accept_assignment" in buttons(client, request)
    client.post(
        move_url(request, "accept_assignment"),
        {"accept_assignment-declaration": "None.", "accept_assignment-has_conflict": ""},
    )
    assert ExpertAssignment.objects.get(request=request, expert=person).status == "accepted"

    client.force_login(hub)
    engaged = IndicatorFactory(priority=4, name="Young people engaged")
    client.post(
        move_url(request, "route_to_funding"),
        {
            "route_to_funding-amount": "12000",
            "route_to_funding-currency": "EUR",
            "route_to_funding-strategic_priority": "4",
            "route_to_funding-justification": "Aligned with priority 4.",
            "route_to_funding-budget_lines-0-item": "Facilitation",
            "route_to_funding-budget_lines-0-amount": "12000",
            "route_to_funding-indicators": [str(engaged.pk)],
            f"route_to_funding-indicators-{engaged.pk}-target": "40",
        },
    )
    request.refresh_from_db()
    assert request.state == "funding_review"

    client.force_login(mu)
    assert "Youth council" in client.get("/fund/?year=2026").content.decode()
    assert {"approve_funding", "reject_funding"} <= buttons(client, request)
    pending = client.get(request.get_absolute_url()).content.decode()
    assert "s envelope" in pending
    # A budget line reads as an amount, like the amount asked: separated thousands and its currency.
    assert "<bdi>Facilitation</bdi>: 12,000.00 EUR" in pending
    client.post(
        move_url(request, "approve_funding"),
        {"approve_funding-conditions": "Report within 6 months.", "approve_funding-confirm": "on"},
    )
    request.refresh_from_db()
    assert request.state == "in_delivery"
    assert FundApplication.objects.get(request=request).status == "approved"
    # Decided, the application stays on the page of those who oversee the request, never the city's.
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'id="fund-title"' in page and "Amount approved" in page and "Report within 6 months." in page
    client.force_login(focal)
    assert 'id="fund-title"' not in client.get(request.get_absolute_url()).content.decode()

    client.force_login(person)
    client.post(move_url(request, "report_delivery"), {"report_delivery-report": "Three workshops held."})
    request.refresh_from_db()
    assert request.state == "delivered"

    client.force_login(focal)
    assert buttons(client, request) == {"evaluate"}
    client.post(
        move_url(request, "evaluate"),
        {
            "evaluate-rating": "5",
            "evaluate-outcomes": "A council meets monthly.",
            "evaluate-would_recommend": "yes",
            "evaluate-confirm": "on",
        },
    )
    request.refresh_from_db()
    assert request.state == "closed"
    assert request.evaluation.rating == 5 and request.evaluation.would_recommend is True


def test_a_request_that_never_went_through_the_fund_shows_no_application(client, people):
    request = in_state("in_delivery", city=people["city"], funding_requested=Decimal(5000))
    client.force_login(people["mu"])
    assert 'id="fund-title"' not in client.get(request.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["focal", "expert", "mu"])
def test_hub_moves_are_not_offered_to_other_roles(client, people, who):
    request = in_state("submitted", city=people["city"])
    client.force_login(people[who])
    offered = buttons(client, request) if who != "expert" else set()
    assert not offered & {"request_info", "answer_directly", "decline", "route_to_funding"}


def test_a_refused_move_shows_the_reason_and_keeps_what_was_typed(client, people):
    request = in_state("submitted", city=people["city"])
    client.force_login(people["focal"])
    # A focal point may not ask themselves for information: the workflow refuses, the page says why.
    response = client.post(move_url(request, "request_info"), {"request_info-question": "Typed question"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "alert-danger" in page and "Typed question" in page
    request.refresh_from_db()
    assert request.state == "submitted"


def test_a_lost_race_answers_409_with_a_reload_message(client, people):
    request = in_state("submitted", city=people["city"])
    client.force_login(people["hub"])
    with mock.patch("web.views.common.transition_perform", side_effect=TransitionConflict()):
        response = client.post(
            move_url(request, "decline"), {"decline-reason": "Out of scope.", "decline-confirm": "on"}
        )
    assert response.status_code == 409
    assert "Reload" in response.content.decode()


def test_requests_outside_ones_scope_are_not_found(client, people):
    request = in_state("submitted")
    for who in ("focal", "hub", "expert"):
        client.force_login(people[who])
        assert client.get(request.get_absolute_url()).status_code == 404
        assert client.post(move_url(request, "withdraw")).status_code == 404
        assert client.post(reverse("request-message", args=[request.reference]), {"body": "x"}).status_code == 404
    client.force_login(steering())
    assert client.get(request.get_absolute_url()).status_code == 404


def test_messages_are_shown_by_channel(client, people):
    request = in_state("expert_matching", city=people["city"])
    hub = people["hub"]
    Message.objects.create(request=request, author=hub, body="<p>For the city</p>", visibility="city")
    Message.objects.create(request=request, author=hub, body="<p>Internal note</p>", visibility="internal")
    client.force_login(people["focal"])
    page = client.get(request.get_absolute_url()).content.decode()
    assert "For the city" in page and "Internal note" not in page
    client.force_login(hub)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "For the city" in page and "Internal note" in page


def test_a_message_with_personal_data_is_held_until_confirmed(client, people):
    request = in_state("submitted", city=people["city"])
    client.force_login(people["focal"])
    url = reverse("request-message", args=[request.reference])
    response = client.post(url, {"body": "Write to jane.doe@example.org", "visibility": "city"})
    assert response.status_code == 200 and not Message.objects.exists()
    assert "jane.doe@example.org" in response.content.decode()
    client.post(url, {"body": "Write to jane.doe@example.org", "visibility": "city", "confirm_personal_data": "on"})
    assert Message.objects.get().sensitivity == "restricted"


def test_a_refused_attachment_keeps_the_message_text(client, people):
    request = in_state("submitted", city=people["city"])
    client.force_login(people["focal"])
    response = client.post(
        reverse("request-message", args=[request.reference]),
        {"body": "See the file", "visibility": "city", "attachment": SimpleUploadedFile("x.pdf", b"<html>no</html>")},
    )
    assert response.status_code == 200 and not Message.objects.exists()
    assert "See the file" in response.content.decode()


def test_a_message_held_back_for_personal_data_keeps_its_text_and_its_file(client, people):
    from helpdesk.models import HeldFile

    request = in_state("submitted", city=people["city"])
    client.force_login(people["focal"])
    url = reverse("request-message", args=[request.reference])
    body = "Write to jane.doe@example.org"
    response = client.post(url, {"body": body, "visibility": "city", "attachment": SimpleUploadedFile("note.pdf", PDF)})
    page = response.content.decode()
    held = HeldFile.objects.get()
    assert response.status_code == 200 and not Message.objects.exists() and not Attachment.objects.exists()
    assert body in page and "Kept:" in page and "<bdi>note.pdf</bdi>" in page
    assert 'id="id_body_error"' in page and 'href="#id_body"' in page  # the field at fault, marked and linked
    assert f'name="kept" value="{held.pk}"' in page
    # Confirmed, without choosing the file again: the message carries it, once.
    client.post(url, {"body": body, "visibility": "city", "confirm_personal_data": "on", "kept": [str(held.pk)]})
    message = Message.objects.get()
    assert [(a.original_name, a.message_id) for a in Attachment.objects.all()] == [("note.pdf", message.pk)]
    assert not HeldFile.objects.exists()


def test_a_message_carries_several_files_each_once(client, people):
    request = in_state("submitted", city=people["city"])
    client.force_login(people["focal"])
    files = [
        SimpleUploadedFile("plan.pdf", PDF),
        SimpleUploadedFile("budget.csv", b"item,amount\nchairs,120\n"),
        SimpleUploadedFile("plan-copy.pdf", PDF),  # the same content chosen twice
    ]
    response = client.post(
        reverse("request-message", args=[request.reference]),
        {"body": "Two files", "visibility": "city", "attachment": files},
    )
    message = Message.objects.get()
    assert response.status_code == 302
    assert sorted(a.original_name for a in message.attachments.all()) == ["budget.csv", "plan.pdf"]
    assert Attachment.objects.count() == 2


def test_a_refused_file_keeps_the_message_and_the_other_files(client, people):
    from helpdesk.models import HeldFile

    request = in_state("submitted", city=people["city"])
    client.force_login(people["focal"])
    files = [SimpleUploadedFile("plan.pdf", PDF), SimpleUploadedFile("x.pdf", b"<html>no</html>")]
    response = client.post(
        reverse("request-message", args=[request.reference]),
        {"body": "See the files", "visibility": "city", "attachment": files},
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Message.objects.exists()
    assert "See the files" in page and "x.pdf:" in page and "is-invalid" in page
    assert [h.original_name for h in HeldFile.objects.all()] == ["plan.pdf"] and "Kept:" in page


def test_request_pages_are_not_cached(client, people):
    request = in_state("submitted", city=people["city"])
    client.force_login(people["hub"])
    assert "no-store" in client.get(request.get_absolute_url())["Cache-Control"]


def test_timeline_shows_done_current_and_next_steps(client, people):
    request = in_state("submitted", city=people["city"], kind="expert")
    client.force_login(people["focal"])
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'aria-current="step"' in page
    assert "Expert matching" in page and "In delivery" in page  # the usual next steps


def test_expert_sees_the_brief_only(client, people):
    from helpdesk.services import expert_access_grant

    request = in_state(
        "expert_matching", city=people["city"], description="<p>Full description</p>", summary="The brief"
    )
    person = people["expert"]
    ExpertAssignment.objects.create(request=request, expert=person, status="proposed")
    expert_access_grant(request=request, expert=person)
    client.force_login(person)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "The brief" in page and "Full description" not in page
    assert {"accept_assignment", "decline_assignment"} <= buttons(client, request)


def test_money_is_shown_in_the_users_locale(client, people):
    request = in_state("funding_review", city=people["city"], funding_requested=Decimal("12345.50"), kind="fund")
    people["hub"].preferred_language = "fr"
    people["hub"].save()
    client.force_login(people["hub"])
    page = client.get(request.get_absolute_url()).content.decode()
    assert "12\xa0345,50" in page or "12 345,50" in page


def test_hub_releases_screened_content_and_the_release_is_logged(client, people):
    from helpdesk.models import AccessLog

    request = in_state("expert_matching", city=people["city"], sensitivity="restricted", description="<p>Secret</p>")
    message = Message.objects.create(
        request=request,
        author=people["focal"],
        body="<p>Call +44 20 7946 0958</p>",
        visibility="expert",
        sensitivity="restricted",
    )
    client.force_login(people["focal"])
    assert client.post(reverse("request-release", args=[request.reference])).status_code == 404
    client.force_login(people["hub"])
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Release the request" in page and "Release this message" in page
    url = reverse("request-release", args=[request.reference])
    # Without the confirmation (no script: the page's button posts without it), a page names the consequence.
    asked = client.post(url, {"message": str(message.pk)})
    assert asked.status_code == 200 and "no one can make it restricted again" in asked.content.decode()
    message.refresh_from_db()
    assert message.sensitivity == "restricted"
    assert 'id="confirm-release"' in page and 'data-confirm-dialog="confirm-release"' in page
    client.post(url, {"message": str(message.pk), "confirm": "on"})
    client.post(url, {"confirm": "on"})
    request.refresh_from_db()
    message.refresh_from_db()
    assert request.sensitivity == "shareable" and message.sensitivity == "shareable"
    assert AccessLog.objects.filter(request=request, action="release").count() == 2


@pytest.mark.parametrize(
    ("state", "kind", "funding", "expected"),
    [
        ("draft", "advice", None, ["Submitted", "Delivered", "Closed"]),
        ("info_requested", "expert", None, ["Submitted", "Expert matching", "In delivery", "Delivered", "Closed"]),
        ("expert_matching", "training", None, ["In delivery", "Delivered", "Closed"]),
        ("expert_matching", "expert", Decimal("900"), ["Funding review", "In delivery", "Delivered", "Closed"]),
        ("funding_review", "advice", None, ["In delivery", "Delivered", "Closed"]),
        ("delivered", "fund", Decimal("900"), ["Closed"]),
        ("closed", "fund", Decimal("900"), []),
    ],
)
def test_timeline_next_steps_follow_the_road_the_request_is_on(client, people, state, kind, funding, expected):
    request = in_state(state, city=people["city"], kind=kind, funding_requested=funding)
    client.force_login(people["focal"] if state == "draft" else people["hub"])  # a draft is the city's own
    steps = client.get(request.get_absolute_url()).context["timeline"]
    assert [str(s.label) for s in steps if s.status == "next"] == expected
    assert [s.status for s in steps].count("current") == 1


def test_unknown_and_system_moves_are_not_found(client, people):
    request = in_state("delivered", city=people["city"])
    client.force_login(people["hub"])
    assert client.post(move_url(request, "no_such_move")).status_code == 404
    assert client.post(move_url(request, "auto_close")).status_code == 404
    request.refresh_from_db()
    assert request.state == "delivered"


def test_moves_with_expert_choices_lead_to_the_matching_page(client, people):
    request = in_state("submitted", city=people["city"])
    client.force_login(people["hub"])
    response = client.get(move_url(request, "route_to_experts"))
    assert response.status_code == 302
    assert response["Location"] == reverse("request-matching", args=[request.reference])


def test_a_declined_expert_gives_a_reason(client, people):
    from helpdesk.services import expert_access_grant

    request = in_state("expert_matching", city=people["city"])
    person = people["expert"]
    ExpertAssignment.objects.create(request=request, expert=person, status="proposed")
    expert_access_grant(request=request, expert=person)
    client.force_login(person)
    response = client.post(
        move_url(request, "decline_assignment"), {"decline_assignment-reason": "", "decline_assignment-confirm": "on"}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    client.post(
        move_url(request, "decline_assignment"),
        {"decline_assignment-reason": "Travelling that month.", "decline_assignment-confirm": "on"},
    )
    assignment = ExpertAssignment.objects.get(request=request, expert=person)
    assert assignment.status == "declined" and assignment.decline_reason == "Travelling that month."
    # Declined, the expert no longer sees the request.
    assert client.get(request.get_absolute_url()).status_code == 404


def test_the_timeline_tells_each_reader_where_the_request_stands_in_their_own_words(client, people):
    from helpdesk.services import expert_access_grant
    from workflows.lifecycle import STATE_SPECS

    phrases = STATE_SPECS["expert_matching"].phrases
    request = in_state("expert_matching", city=people["city"])
    ExpertAssignment.objects.create(request=request, expert=people["expert"], status="proposed")
    expert_access_grant(request=request, expert=people["expert"])
    seen = {}
    for who in ("hub", "focal", "expert"):
        client.force_login(people[who])
        current = next(s for s in client.get(request.get_absolute_url()).context["timeline"] if s.status == "current")
        seen[who] = (str(current.waits_for), str(current.phrase))
    # Asked to advise, the expert reads that their answer is the next step, whatever the state.
    assert seen == {
        "hub": (str(phrases.staff), ""),
        "focal": ("", str(phrases.city)),
        "expert": ("", str(PROPOSED_EXPERT_PHRASE)),
    }


def test_the_personal_data_warning_names_the_field_as_people_know_it(client, people):
    request = in_state("submitted", city=people["city"])
    client.force_login(people["focal"])
    response = client.post(
        reverse("request-message", args=[request.reference]), {"body": "Call +254 712 345 678", "visibility": "city"}
    )
    page = response.content.decode()
    assert "The message contains what looks like a phone number" in page
    assert "body contains" not in page


def test_a_message_with_many_files_costs_the_queries_of_one(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = in_state("submitted", city=people["city"])
    client.force_login(people["focal"])
    url = reverse("request-message", args=[request.reference])
    client.get(request.get_absolute_url())
    counts = []
    for n in (1, 5):
        files = [SimpleUploadedFile(f"notes-{n}-{i}.txt", f"notes {n} {i}\n".encode()) for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, {"body": f"{n} files", "visibility": "city", "attachment": files})
        assert response.status_code == 302
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert Attachment.objects.count() == 6


def test_after_accepting_the_expert_is_told_what_comes_next_and_the_brief_carries_urgency_and_date(client, people):
    from datetime import date

    from helpdesk.services import expert_access_grant
    from workflows.lifecycle import STATE_SPECS

    request = in_state("expert_matching", city=people["city"], urgency="high", desired_by=date(2026, 9, 30))
    ExpertAssignment.objects.create(request=request, expert=people["expert"], status="proposed")
    expert_access_grant(request=request, expert=people["expert"])
    client.force_login(people["expert"])
    page = client.get(request.get_absolute_url())
    assert page.context["next_step"] == PROPOSED_EXPERT_PHRASE
    # Accepting is the expected move (filled), declining an outlined red one after it.
    moves = page.context["page_moves"]
    assert [(m.spec.name, m.primary) for m in moves] == [("accept_assignment", True), ("decline_assignment", False)]
    client.post(
        move_url(request, "accept_assignment"),
        {"accept_assignment-declaration": "none", "accept_assignment-has_conflict": ""},
    )
    assert ExpertAssignment.objects.get(request=request).status == "accepted"
    page = client.get(request.get_absolute_url())
    expert_words = str(STATE_SPECS["expert_matching"].phrases.expert)
    html = page.content.decode()
    assert page.context["next_step"] == STATE_SPECS["expert_matching"].phrases.expert
    assert html.count(expert_words) == 2  # the next-step box and the timeline's current step
    assert str(PROPOSED_EXPERT_PHRASE) not in html
    # The brief tells how urgent the request is and by when the city hopes for support.
    assert page.context["view"].urgency == "high" and page.context["view"].desired_by == date(2026, 9, 30)
    assert "Urgency" in html and "2026-09-30" in html
