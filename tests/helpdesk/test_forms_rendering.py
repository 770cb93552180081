"""The desk's form renderer writes the inputs and textareas exactly as Django's templates do."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from helpdesk.selectors import FilterChoices
from tests.factories import CityFactory, SupportRequestFactory, focal_point
from web.forms.account import LanguageForm, ProfileForm
from web.forms.moves import MoveForm
from web.forms.queue import QueueFilterForm
from web.forms.rendering import DeskFormRenderer
from web.forms.requests import MessageForm, RequestForm
from workflows.lifecycle import TRANSITIONS

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(\"x\")</script> & 'quoted' «ünïcödé» مرحبا"


def _widgets_of(form: forms.Form) -> list[str]:
    """Every field of ``form`` rendered by the desk's renderer, and the same by Django's templates."""
    desk, django = [], []
    for renderer, out in ((DeskFormRenderer(), desk), (DjangoTemplates(), django)):
        form.renderer = renderer
        out.extend(str(bound.as_widget()) for bound in form)
    assert desk == django
    return desk


def _forms(data: dict[str, str] | None) -> list[forms.Form]:
    city = CityFactory()
    request = SupportRequestFactory(city=city)
    choices = FilterChoices(cities=[(str(city.pk), HOSTILE)], countries=[HOSTILE], owners=[("1", HOSTILE)], regions=[])
    built = [
        ProfileForm(data, instance=focal_point(city)),
        LanguageForm(data),
        RequestForm(data, cities=[city, CityFactory()]),
        RequestForm(data, cities=[city]),
        MessageForm(data, channels=["city", "internal"]),
        MessageForm(data, channels=["city"]),
        QueueFilterForm(data, choices=choices),
    ]
    built += [MoveForm(spec, request, data, prefix=spec.name) for spec in TRANSITIONS]
    return built


@pytest.mark.parametrize("data", [None, {}], ids=["unbound", "bound-empty"])
def test_every_widget_of_the_desks_forms_renders_as_djangos(data):
    rendered = [html for form in _forms(data) for html in _widgets_of(form)]
    assert any(html.startswith("<textarea") for html in rendered)
    assert any(html.startswith('<input type="text"') for html in rendered)


def test_hostile_values_are_escaped_as_djangos_templates_escape_them():
    data = {name: HOSTILE for name in ("first_name", "title", "body", "q", "summary", "description", "phone")}
    data.update({"request_info-question": HOSTILE, "decline-reason": HOSTILE})
    rendered = [html for form in _forms(data) for html in _widgets_of(form)]
    assert any("&lt;script&gt;" in html for html in rendered)
    assert not any("<script>" in html for html in rendered)


@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(attrs={"placeholder": gettext_lazy("Search"), "data-x": True, "hidden": False}),
        forms.NumberInput(attrs={"step": "0.01", "min": 0, "data-none": None}),
        forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        forms.CheckboxInput(attrs={"class": "form-check-input"}),
        forms.HiddenInput(),
        forms.Textarea(attrs={"rows": 3, "aria-describedby": 'a"b'}),
        forms.EmailInput(),
        forms.SearchInput(),
    ],
)
@pytest.mark.parametrize("value", [None, "", "plain", HOSTILE, mark_safe("<b>safe</b>"), 3, True, "2026-12-03"])
def test_each_input_and_value_renders_as_djangos(widget, value):
    with override("fr"):
        desk = widget.render("name", value, attrs={"id": "id_name"}, renderer=DeskFormRenderer())
        django = widget.render("name", value, attrs={"id": "id_name"}, renderer=DjangoTemplates())
    assert desk == django


def test_inputs_and_textareas_never_reach_the_template_engine(monkeypatch):
    """The point of the renderer: with the engine unavailable, these widgets still render; others do not."""

    def no_engine(self, template_name):
        raise AssertionError(f"template engine asked for {template_name}")

    monkeypatch.setattr(DeskFormRenderer, "get_template", no_engine)
    renderer = DeskFormRenderer()
    for widget in (forms.TextInput(), forms.Textarea(), forms.CheckboxInput(), forms.HiddenInput()):
        assert widget.render("name", "value", renderer=renderer)
    with pytest.raises(AssertionError):
        forms.Select(choices=[("a", "A")]).render("name", "a", renderer=renderer)
