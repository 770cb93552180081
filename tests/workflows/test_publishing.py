""" "Publish what was learned": the draft drawn from a closed request carries its shareable summary and outcomes
only; the city is asked for its consent; publication needs that consent and a reviewer who did not write it;
an anonymous city stays anonymous."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from helpdesk import services
from helpdesk.models import Consent, ResourceLog, ResourceState
from helpdesk.sanitize import markdown_html
from helpdesk.screening import PersonalDataFound
from notifications.models import Notification
from tests.publishing_world import CITY_NAME, EMAIL, PHONE, build, everything_about, leaks
from workflows.publishing import resource_from_request_prefill, resource_from_request_start

pytestmark = pytest.mark.django_db


def _start(world, **changes):
    prefill = resource_from_request_prefill(world.request)
    fields = {
        "kind": prefill.kind,
        "language": prefill.language,
        "title": prefill.title,
        "summary": prefill.summary,
        "body": markdown_html(prefill.body()),
        "themes": prefill.themes,
        "priorities": prefill.priorities,
        **changes,
    }
    return resource_from_request_start(request=world.request, actor=world.hub, **fields)


def test_the_prefill_takes_the_summary_without_its_personal_data_and_the_outcomes():
    world = build()
    prefill = resource_from_request_prefill(world.request)
    assert prefill.kind == "practice"
    assert prefill.language == "fr"
    assert prefill.themes == ["multi_agency"] and prefill.priorities == [3]
    assert prefill.title == "La ville a formé 40 agents municipaux à la prévention."
    assert PHONE not in prefill.summary and EMAIL not in prefill.summary and "[…]" in prefill.summary
    (line,) = prefill.outcomes
    assert line.indicator == "Agents municipaux formés"  # the request's language
    assert (line.baseline, line.target, line.delivered, line.confirmed, line.sustained) == (0, 30, 40, 38, 35)
    body = prefill.body()
    assert "Agents municipaux formés" in body and "40" in body and "38" in body and "35" in body
    assert "Résultats" in body or "Outcomes" in body
    assert leaks(" ".join([prefill.title, prefill.summary, body])) == []


def test_a_resource_started_from_a_closed_request_carries_none_of_its_hidden_content():
    world = build()
    resource = _start(world)
    assert resource.source_request_id == world.request.pk
    assert (resource.city_id, resource.region_id) == (world.request.city_id, world.request.region_id)
    assert resource.state == ResourceState.DRAFT and resource.consent == Consent.ASKED
    assert not resource.city_named
    everything = everything_about(resource)
    assert "Agents municipaux" in everything  # the search below reads what was stored
    assert leaks(everything) == []


def test_starting_writes_history_and_tells_the_citys_focal_points_without_content():
    world = build()
    resource = _start(world)
    actions = list(ResourceLog.objects.filter(resource=resource).values_list("action", flat=True))
    assert actions == ["created", "drawn_from_request", "consent_asked"]
    told = Notification.objects.filter(data__resource=resource.pk)
    assert {(n.recipient_id, n.channel) for n in told} == {(world.focal.pk, "in_app"), (world.focal.pk, "email")}
    assert all(n.event == "resource_consent_asked" and n.request_id == world.request.pk for n in told)
    assert all(set(n.data) == {"resource", "consent"} for n in told)


def test_only_hub_staff_of_the_closed_requests_region_may_start():
    world = build()
    for person in (world.other_hub, world.focal):
        with pytest.raises(PermissionDenied):
            resource_from_request_start(
                request=world.request,
                actor=person,
                kind="practice",
                language="en",
                title="T",
                summary="",
                body="<p>x</p>",
            )
    open_world = build(state="delivered", city_name="Elsewhere")
    with pytest.raises(PermissionDenied):
        _start(open_world)


def test_personal_data_typed_into_the_draft_is_refused_on_its_field():
    world = build()
    with pytest.raises(PersonalDataFound) as found:
        _start(world, summary=f"Call {PHONE}.")
    assert set(found.value.findings) == {"summary"} and not found.value.confirmable


def _in_review(world, **changes):
    resource = _start(world, **changes)
    services.resource_submit(resource=resource, actor=world.hub)
    return resource


def test_publishing_waits_for_the_citys_consent():
    world = build()
    resource = _in_review(world)
    with pytest.raises(PermissionDenied):
        services.resource_publish(resource=resource, actor=world.management)
    services.resource_consent_answer(resource=resource, actor=world.focal, answer=Consent.REFUSED)
    with pytest.raises(PermissionDenied):
        services.resource_publish(resource=resource, actor=world.management)


def test_publishing_by_its_own_author_is_refused_and_by_another_reviewer_accepted():
    world = build()
    resource = _in_review(world)
    services.resource_consent_answer(resource=resource, actor=world.focal, answer=Consent.NAMED)
    with pytest.raises(PermissionDenied):
        services.resource_publish(resource=resource, actor=world.hub)
    services.resource_publish(resource=resource, actor=world.management)
    resource.refresh_from_db()
    assert resource.state == ResourceState.PUBLISHED and resource.city_named
    assert resource.reviewed_by_id == world.management.pk


def test_an_anonymous_city_stays_anonymous():
    world = build()
    # Named by the hub at the start: refused on the field (the city has not chosen to be named).
    with pytest.raises(ValidationError) as refused:
        _start(world, title=f"What {CITY_NAME} learned")
    assert refused.value.message_dict.keys() == {"title"}
    resource = _in_review(world)
    services.resource_consent_answer(resource=resource, actor=world.focal, answer=Consent.ANONYMOUS)
    resource.refresh_from_db()
    assert resource.consent == Consent.ANONYMOUS and not resource.city_named
    # An edit naming it is refused…
    with pytest.raises(ValidationError):
        services.resource_version_save(
            resource=resource,
            actor=world.management,
            language="en",
            title="From a member city",
            body=f"<p>In {CITY_NAME.upper()}, the staff were trained.</p>",
        )
    # …and so is publishing text that names it, however it got there.
    resource.versions.update(summary=f"The city of {CITY_NAME} trained 40 people.")
    with pytest.raises(ValidationError):
        services.resource_publish(resource=resource, actor=world.management)
    resource.versions.update(summary="A member city trained 40 people.")
    services.resource_publish(resource=resource, actor=world.management)
    resource.refresh_from_db()
    assert resource.state == ResourceState.PUBLISHED and not resource.city_named
    read = " ".join(f"{v.title} {v.summary} {v.body}" for v in resource.versions.all())
    assert CITY_NAME.lower() not in read.lower()


def test_a_city_anonymous_to_experts_is_not_named_unless_it_chooses_to_be():
    world = build(anonymous_to_experts=True)
    resource = _in_review(world)
    services.resource_consent_answer(resource=resource, actor=world.focal, answer=Consent.NAMED)
    # It chose to be named: its name may now be written.
    services.resource_version_save(
        resource=resource, actor=world.management, language="en", title=f"What {CITY_NAME} learned", body="<p>x</p>"
    )
    assert services.city_named_in(world.request.city, [f"What {CITY_NAME} learned"])
    assert not services.city_named_in(world.request.city, ["Zarkovian cooperation"])  # a whole word only
