"""The whole record on the request page, through HTTP: the city sees its grant, the delivery report and the
evaluation it gave; hub staff and the management unit see the report, the evaluation and every fund decision with
its reason; an expert sees the report they wrote; nobody else sees any of it."""

from __future__ import annotations

import pytest
from django.test import Client

from helpdesk.models import SupportRequest, User
from tests.workflows.conftest import Net
from workflows.models import Evaluation
from workflows.services import transition_perform

pytestmark = pytest.mark.django_db

CONDITIONS = "Report the spending within six months."
REPORT = "Two workshops held with the youth council."
OUTCOMES = "A plan adopted by the council."
REASON = "The envelope is kept for incident response."


def _page(client: Client, person: User | None, request: SupportRequest) -> tuple[int, str]:
    client.logout()
    if person is not None:
        client.force_login(person)
    response = client.get(request.get_absolute_url())
    return response.status_code, response.content.decode()


def _move(request: SupportRequest, net: Net, transition: str, who: str, **data: object) -> SupportRequest:
    return transition_perform(
        request=request, transition=transition, actor=net.people[who], data=net.data(transition, **data)
    )


def _evaluated_grant(net: Net, *, reporter: str = "expert") -> SupportRequest:
    """A funded request, delivered (reported by ``reporter``) and evaluated, walked through the lifecycle."""
    request = net.at("funding_review_with_expert")
    request = _move(request, net, "approve_funding", "mu", conditions=CONDITIONS)
    request = _move(request, net, "report_delivery", reporter, report=f"<p>{REPORT}</p>")
    return _move(request, net, "evaluate", "focal", outcomes=OUTCOMES)


def test_each_role_reads_the_record_it_needs_and_nothing_more(client, net):
    request = _evaluated_grant(net)
    assert Evaluation.objects.filter(request=request).exists()
    seen = {}
    for who in ("focal", "expert", "hub", "mu", "other_focal", "other_hub", "unassigned_expert", "steering"):
        status, page = _page(client, net.people[who], request)
        seen[who] = (
            status,
            {
                name
                for name, text in {
                    "grant": "The grant your city received",
                    "conditions": CONDITIONS,
                    "report": REPORT,
                    "evaluation": OUTCOMES,
                    "decision": 'id="fund-title"',
                }.items()
                if text in page
            },
        )
    assert seen == {
        "focal": (200, {"grant", "conditions", "report", "evaluation"}),
        "expert": (200, {"report"}),
        "hub": (200, {"conditions", "report", "evaluation", "decision"}),
        "mu": (200, {"conditions", "report", "evaluation", "decision"}),
        "other_focal": (404, set()),
        "other_hub": (404, set()),
        "unassigned_expert": (404, set()),
        "steering": (404, set()),
    }


def test_the_overseers_see_who_decided_when_and_the_evaluation_in_full(client, net):
    request = _evaluated_grant(net)
    _, page = _page(client, net.people["hub"], request)
    assert "Decided" in page and str(net.people["mu"]) in page
    assert "4 out of 5" in page and "Would recommend it to another city" in page
    # The timeline points to what each move wrote.
    assert 'href="#delivery-report"' in page and 'href="#evaluation"' in page and 'href="#fund-title"' in page
    # The grant is read with its application there: the record's heading does not promise one.
    assert "Delivery and evaluation</h2>" in page and "Grant, delivery and evaluation" not in page


def test_the_city_is_told_what_it_reports_and_by_when(client, net):
    request = net.at("funding_review_with_expert")
    request = _move(request, net, "approve_funding", "mu", conditions=CONDITIONS)
    _, page = _page(client, net.people["focal"], request)
    assert "Amount approved" in page and "10,000.00 EUR" in page
    assert "Delivery due" in page and "your city evaluates the support" in page
    request = _move(request, net, "report_delivery", "expert")
    _, page = _page(client, net.people["focal"], request)
    assert "Due by" in page  # the evaluation's deadline, once delivery is reported
    assert 'href="#grant"' in page  # the timeline's approval points to the grant
    assert "Grant, delivery and evaluation</h2>" in page


def test_an_expert_reads_only_the_delivery_report_they_wrote(client, net):
    request = _evaluated_grant(net, reporter="hub")
    status, page = _page(client, net.people["expert"], request)
    assert status == 200 and REPORT not in page
    status, page = _page(client, net.people["focal"], request)
    assert REPORT in page


def test_a_rejection_and_its_reason_are_for_those_who_oversee_the_request(client, net):
    request = net.at("funding_review")
    request = _move(request, net, "reject_funding", "mu", reason=REASON)
    for who, sees in (("hub", True), ("mu", True), ("focal", False)):
        _, page = _page(client, net.people[who], request)
        assert (REASON in page) is sees, who
    _, page = _page(client, net.people["focal"], request)
    assert "The grant your city received" not in page


def test_an_evaluation_of_support_delivered_without_a_report_is_read_too(client, net):
    request = _move(net.at("submitted"), net, "answer_directly", "hub")
    request = _move(request, net, "evaluate", "focal", outcomes=OUTCOMES)
    # The city reads back the evaluation it gave.
    for who, sees in (("hub", True), ("mu", True), ("focal", True), ("expert", False)):
        _, page = _page(client, net.people[who], request)
        assert (OUTCOMES in page) is sees, who
