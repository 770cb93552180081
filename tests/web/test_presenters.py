"""What a person sees of a request, its messages and files: placeholders for what they may not see, text made
inert on the way out, and what each view reveals for the access log."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk import services
from helpdesk.models import AccessLog, Attachment, Message, Sensitivity, SupportRequest, Visibility
from helpdesk.placeholders import WITHHELD
from helpdesk.screening import PersonalDataFound
from tests.access_world import PDF_BYTES, build_world
from tests.factories import CityFactory, SupportRequestFactory, focal_point, hub_staff
from tests.helpdesk.hostile_inputs import HOSTILE, dangerous, has_bad_characters
from web import presenters

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_presenters_say_what_they_reveal_and_the_access_log_records_it_once_told(world):
    hub = world.user("hub_region")
    view = presenters.request_view(world.req, hub)
    messages = presenters.message_views(world.req, hub)
    assert [m.withheld for m in messages if m.is_restricted] == [False]
    shown = presenters.reveals(view, messages)
    assert shown == [(world.req.pk, world.messages["restricted"].pk)]
    views_logged = world.req.access_log.filter(action=AccessLog.Action.VIEW_RESTRICTED)
    assert not views_logged.exists()  # presenting writes nothing: the page records what it showed
    assert services.access_log_reveals(user=hub, reveals=shown, ip="10.0.0.9") == 1
    log = world.req.access_log.get(action=AccessLog.Action.VIEW_RESTRICTED)
    assert log.message == world.messages["restricted"] and log.ip_address == "10.0.0.9"


def test_nothing_restricted_is_revealed_to_those_who_see_the_placeholder(world):
    colleague = focal_point(world.req.city)
    view = presenters.request_view(world.req, colleague)
    assert presenters.reveals(view, presenters.message_views(world.req, colleague)) == []


def test_withheld_placeholder_for_colleagues_and_brief_for_experts(world):
    world.req.sensitivity = Sensitivity.RESTRICTED
    world.req.save(update_fields=["sensitivity"])
    colleague = focal_point(world.req.city)
    view = presenters.request_view(world.req, colleague)
    assert view.withheld and view.summary == WITHHELD and view.description_html == WITHHELD
    expert_view = presenters.request_view(world.req, world.user("assigned_expert"))
    assert expert_view.is_brief and expert_view.description_html is None and expert_view.submitted_by_email is None
    assert expert_view.summary == WITHHELD
    hub_view = presenters.request_view(world.req, world.user("hub_region"))
    assert hub_view.revealed_restricted and "Full description" in hub_view.description_html


def test_expert_brief_hides_an_anonymous_city(world):
    world.req.city.anonymous_to_experts = True
    world.req.city.save(update_fields=["anonymous_to_experts"])
    view = presenters.request_view(world.req, world.user("assigned_expert"))
    assert (view.city, view.country, view.region) == (None, None, "Region A")
    assert view.summary == "Shareable brief for experts." and view.state is None and view.owner is None
    assert presenters.request_view(world.req, world.user("hub_region")).city == "Alpha One"


# --- hostile input through every text field of the services ------------------------------------------
HOSTILE_IDS = [f"hostile-{i:02d}" for i in range(len(HOSTILE))]


# Rich-text columns must hold nothing executable as stored (templates render them as HTML); plain
# columns may hold markup characters but are rendered escaped (checked through the presenters below).
RICH = {SupportRequest: ["description"], Message: ["body"], Attachment: []}
PLAIN = {SupportRequest: ["title", "summary"], Message: [], Attachment: ["original_name"]}


@pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_input_through_request_and_message_fields(payload):
    city = CityFactory()
    author = focal_point(city)
    hub = hub_staff(city.region)
    stored = []
    for field in ("title", "description", "summary"):
        values = {"title": "Hostile test", field: payload}
        try:
            request = services.request_create(city=city, submitted_by=author, confirm_personal_data=True, **values)
        except (ValidationError, PersonalDataFound):
            continue  # refused: nothing stored
        stored.append(SupportRequest.objects.get(pk=request.pk))
        with contextlib.suppress(ValidationError, PersonalDataFound):
            services.request_update_draft(request=request, actor=author, confirm_personal_data=True, **{field: payload})
        stored.append(SupportRequest.objects.get(pk=request.pk))
    request = SupportRequestFactory(city=city, state="submitted")
    for visibility in Visibility.values:
        try:
            message = services.message_post(
                request=request, author=hub, body=payload, visibility=visibility, confirm_personal_data=True
            )
        except (ValidationError, PersonalDataFound):
            continue
        stored.append(Message.objects.get(pk=message.pk))
    try:
        attachment = services.attachment_add(
            request=request, uploaded_by=hub, upload=SimpleUploadedFile("x.pdf", PDF_BYTES), name=payload[:300] + ".pdf"
        )
        stored.append(Attachment.objects.get(pk=attachment.pk))
    except ValidationError:
        pass
    for row in stored:
        for name in RICH[type(row)] + PLAIN[type(row)]:
            assert not has_bad_characters(getattr(row, name))
        for name in RICH[type(row)]:
            assert dangerous(getattr(row, name)) == []
    # Plain fields may hold markup characters, but rendered escaped (as every template does) they are inert.
    for row in stored:
        for view in _views_of(row, hub):
            assert dangerous(str(view)) == []


def _views_of(row, user):
    from django.utils.html import escape

    if isinstance(row, SupportRequest):
        view = presenters.request_view(row, user)
        return [escape(view.title), escape(view.summary), view.description_html]
    if isinstance(row, Message):
        return [m.body_html for m in presenters.message_views(row.request, user) if m.pk == row.pk]
    return [escape(a.name) for a in presenters.attachment_views(row.request, user) if a.pk == row.pk]


def test_hostile_input_through_every_free_text_field_of_the_lifecycle():
    """Reasons, questions, answers, justifications, reports, evaluations, declarations, budget items."""
    from django.utils.html import escape

    from workflows.lifecycle import TRANSITION_SPECS
    from workflows.spec import Kind
    from workflows.validation import CLEANERS, Invalid

    fields = [
        (spec.name, field.name, field.kind)
        for spec in TRANSITION_SPECS.values()
        for field in spec.fields
        if field.kind in {Kind.TEXT, Kind.RICH_TEXT, Kind.BUDGET_LINES}
    ]
    assert len(fields) >= 8, fields
    stored = 0
    for _move, _name, kind in fields:
        for payload in HOSTILE:
            raw = [{"item": payload, "amount": "10.00"}] if kind == Kind.BUDGET_LINES else payload
            try:
                cleaned = CLEANERS[kind](raw)
            except Invalid:
                continue  # refused: nothing stored
            text = cleaned[0]["item"] if kind == Kind.BUDGET_LINES else cleaned
            assert not has_bad_characters(text)
            assert dangerous(text if kind == Kind.RICH_TEXT else str(escape(text))) == []
            stored += 1
    assert stored > len(fields) * 40


# --- rich text seals ------------------------------------------------------------------------------------
def test_services_seal_what_they_clean_and_pages_show_it_without_parsing_again(world, monkeypatch):
    from helpdesk import sanitize

    hub = world.user("hub_region")
    message = services.message_post(
        request=world.req, author=hub, body='<p>Plan <a href="https://example.org" onclick="x()">here</a></p>'
    )
    assert message.body == f'<p>Plan <a href="https://example.org" rel="{sanitize.LINK_REL}">here</a></p>'
    assert sanitize.is_sealed(message.body, message.body_seal)
    own_city = world.user("own_city")
    draft = services.request_create(
        city=world.req.city, submitted_by=own_city, title="Sealed", description="<p>First<script>x</script></p>"
    )
    assert draft.description == "<p>Firstx</p>" and sanitize.is_sealed(draft.description, draft.description_seal)
    services.request_update_draft(
        request=draft, actor=own_city, description="<p>New <em>text</em><script>x</script></p>"
    )
    draft.refresh_from_db()
    assert draft.description == "<p>New <em>text</em>x</p>"
    assert sanitize.is_sealed(draft.description, draft.description_seal)

    parses = []
    real_clean = sanitize._cleaner.clean
    monkeypatch.setattr(sanitize._cleaner, "clean", lambda value: parses.append(value) or real_clean(value))
    view = presenters.request_view(draft, own_city)
    sealed_bodies = {m.pk for m in Message.objects.filter(request=world.req).exclude(body_seal="")}
    views = presenters.message_views(world.req, hub)
    assert "<em>text</em>" in view.description_html and any("example.org" in v.body_html for v in views)
    # Only rows that did not come through a service (the test world's own, written directly) are parsed.
    assert len(parses) == len([v for v in views if v.pk not in sealed_bodies and not v.withheld])


def test_text_edited_behind_the_services_back_is_cleaned_on_the_way_out(world):
    hub = world.user("hub_region")
    message = services.message_post(request=world.req, author=hub, body="<p>Fine</p>")
    Message.objects.filter(pk=message.pk).update(
        body='<p>Fine</p><script>alert(1)</script><a href="javascript:x">y</a>'
    )
    views = {v.pk: v for v in presenters.message_views(world.req, hub)}
    assert dangerous(str(views[message.pk].body_html)) == []
    assert "Fine" in views[message.pk].body_html


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_views_labels_are_the_models_own_in_the_readers_language(language):
    """The labels come from a list's table translated once (``ChoiceWords``), not ``get_FOO_display``: the same
    words for every value of every choice."""
    from django.utils import translation

    from helpdesk.models import RequestState, StrategicPriority, SupportKind, Theme, Urgency
    from web.lists.labels import ChoiceWords

    city = CityFactory()
    hub = hub_staff(city.region)
    words = ChoiceWords()
    with translation.override(language):
        for theme, kind, state, urgency, priority in zip(
            Theme.values,
            SupportKind.values * 3,
            RequestState.values,
            Urgency.values * 3,
            StrategicPriority.values * 2,
            strict=False,
        ):
            request = SupportRequestFactory(
                city=city, theme=theme, kind=kind, state=state, urgency=urgency, strategic_priority=priority
            )
            view = presenters.request_view(request, hub, words=words)
            assert (view.theme_label, view.kind_label, view.language_label, view.strategic_priority_label) == (
                request.get_theme_display(),
                request.get_kind_display(),
                request.get_language_display(),
                request.get_strategic_priority_display(),
            )
            assert (view.state_label, view.urgency_label) == (
                request.get_state_display(),
                request.get_urgency_display(),
            )
