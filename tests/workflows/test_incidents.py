"""Filing after an incident: a request on the fast track, submitted to the hub in one go, screened as always."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from helpdesk.models import RequestState, Sensitivity, SupportRequest
from helpdesk.screening import PersonalDataFound
from workflows.incidents import first_answer_hours, incident_file
from workflows.models import TransitionLog

NOW = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def file(net, who=None, **changes):
    data = {
        "city": net.city,
        "filed_by": who or net.focal,
        "what_happened": "<p>A knife attack at a youth festival; the city council meets tonight.</p>",
        "incident_at": NOW - timedelta(hours=5),
        "help_needed": "Advice on the community meeting and the first statement of the mayor.",
        "language": "en",
    }
    return incident_file(**{**data, **changes})


def test_it_files_and_submits_a_critical_incident_request_on_the_fast_track(net, clock):
    with translation.override("en"):
        request = file(net)

    assert request.state == RequestState.SUBMITTED
    assert request.submitted_by == net.focal and request.submitted_at == NOW
    assert (request.theme, request.kind, request.urgency) == ("incident_response", "expert", "critical")
    assert request.fast_tracked_at == NOW and request.incident_at == NOW - timedelta(hours=5)
    assert request.due_at == NOW + timedelta(hours=first_answer_hours()) == NOW + timedelta(hours=24)
    assert request.title == "Urgent help after an incident on Dec. 3, 2026"
    assert "knife attack" in request.description and request.summary.startswith("Advice on")
    (log,) = TransitionLog.objects.filter(request=request)
    assert (log.transition, log.to_state, log.data["fast_track"]) == ("submit", RequestState.SUBMITTED, True)


def test_the_setting_sets_the_first_answers_hours(net, clock, settings):
    settings.WORKFLOW_INCIDENT_FIRST_ANSWER_HOURS = 12

    assert file(net).due_at == NOW + timedelta(hours=12)


def test_personal_data_is_named_by_the_forms_fields_and_nothing_is_filed(net, clock):
    with pytest.raises(PersonalDataFound) as found:
        file(net, help_needed="Call the deputy mayor on +961 71 123 456.")

    assert set(found.value.findings) == {"help_needed"} and found.value.confirmable
    assert not SupportRequest.objects.exists()


def test_confirmed_personal_data_files_a_restricted_request(net, clock):
    request = file(net, help_needed="Call the deputy mayor on +961 71 123 456.", confirm_personal_data=True)

    assert request.sensitivity == Sensitivity.RESTRICTED and request.state == RequestState.SUBMITTED


@pytest.mark.parametrize("who", ["other_focal", "hub", "mu"])
def test_only_a_focal_point_of_the_city_files_for_it(net, clock, who):
    with pytest.raises(PermissionDenied):
        file(net, who=net.people[who])

    assert not SupportRequest.objects.exists()


def test_an_incident_in_the_future_is_refused(net, clock):
    with pytest.raises(ValidationError) as invalid:
        file(net, incident_at=NOW + timedelta(hours=2))

    assert "incident_at" in invalid.value.message_dict
    assert not SupportRequest.objects.exists()
