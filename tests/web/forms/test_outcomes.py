"""The two outcome fields of the move forms: the key indicators a hub chooses, the values reached."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import IndicatorFactory, SupportRequestFactory
from tests.web.pages import in_state
from web.forms.moves import MoveForm
from workflows.lifecycle import TRANSITION_SPECS
from workflows.models import OutcomeTarget, OutcomeValue

pytestmark = pytest.mark.django_db

FUNDING = TRANSITION_SPECS["route_to_funding"]


def _funding_form(data=None, request=None):
    request = request or SupportRequestFactory(strategic_priority=4, funding_requested=Decimal(100))
    return MoveForm(FUNDING, request, data, prefix="route_to_funding")


def _post(**fields):
    base = {
        "route_to_funding-amount": "100",
        "route_to_funding-currency": "EUR",
        "route_to_funding-strategic_priority": "4",
        "route_to_funding-justification": "Why.",
        "route_to_funding-budget_lines-0-item": "All",
        "route_to_funding-budget_lines-0-amount": "100",
    }
    return {**base, **fields}


def test_the_catalogue_in_use_is_shown_by_priority_with_names_in_the_readers_language_and_units():
    staff = IndicatorFactory(priority=1, name="Staff trained", name_fr="Personnel formé")
    youth = IndicatorFactory(priority=4, name="Young people engaged", unit="percentage")
    IndicatorFactory(priority=2, name="Retired one", is_active=False)

    with translation.override("fr"):
        html = str(_funding_form()["indicators"])

    assert "Personnel formé" in html and "Young people engaged" in html and "Retired one" not in html
    assert "Pourcentage" in html or "Percentage" in html
    # The request's own priority first.
    assert html.index("Young people engaged") < html.index("Personnel formé")
    assert f'name="route_to_funding-indicators" value="{staff.pk}"' in html
    assert f'name="route_to_funding-indicators-{youth.pk}-target"' in html and 'max="100"' in html


def test_ticked_indicators_with_their_figures_make_the_moves_list():
    staff = IndicatorFactory()
    youth = IndicatorFactory(unit="yes_no")
    IndicatorFactory()
    form = _funding_form(
        _post(
            **{
                "route_to_funding-indicators": [str(staff.pk), str(youth.pk)],
                f"route_to_funding-indicators-{staff.pk}-baseline": "2",
                f"route_to_funding-indicators-{staff.pk}-target": "10",
                f"route_to_funding-indicators-{youth.pk}-target": "1",
            }
        )
    )

    assert form.is_valid(), form.errors
    assert form.move_data()["indicators"] == [
        {"indicator": staff.pk, "baseline": "2", "target": "10"},
        {"indicator": youth.pk, "baseline": None, "target": "1"},
    ]


def test_nothing_ticked_is_missing():
    IndicatorFactory()

    form = _funding_form(_post())

    assert not form.is_valid()
    assert form.errors["indicators"] == ["Choose at least one key indicator."]


def test_a_figure_outside_its_unit_is_an_error_on_the_field_naming_the_indicator_in_the_readers_language():
    share = IndicatorFactory(name="Share", name_fr="Part", unit="percentage")
    data = _post(
        **{"route_to_funding-indicators": [str(share.pk)], f"route_to_funding-indicators-{share.pk}-target": "140"}
    )

    with translation.override("fr"):
        form = _funding_form(data)
        assert not form.is_valid()
        message = form.errors["indicators"][0]

    assert message.startswith("Part") and "100" in message


def test_figures_typed_for_an_unticked_indicator_ask_which_was_meant():
    staff = IndicatorFactory(name="Staff trained")
    form = _funding_form(_post(**{f"route_to_funding-indicators-{staff.pk}-target": "10"}))

    assert not form.is_valid()
    assert "Staff trained" in form.errors["indicators"][0]


def test_an_indicator_not_in_the_catalogue_is_refused():
    retired = IndicatorFactory(is_active=False)

    form = _funding_form(_post(**{"route_to_funding-indicators": [str(retired.pk)]}))

    assert not form.is_valid() and "indicators" in form.errors


def test_the_catalogue_is_read_once_per_form_and_not_at_all_when_the_form_is_not_shown():
    IndicatorFactory.create_batch(5)
    request = SupportRequestFactory()
    with CaptureQueriesContext(connection) as built:
        form = _funding_form(request=request)
    with CaptureQueriesContext(connection) as shown:
        str(form["indicators"])
        form.is_valid()
        str(form["indicators"])

    assert len(built) == 0
    assert len(shown) == 1


def _planned(request, indicator, baseline=None, target=None, delivered=None):
    target_row = OutcomeTarget.objects.create(request=request, indicator=indicator, baseline=baseline, target=target)
    if delivered is not None:
        OutcomeValue.objects.create(target=target_row, stage="delivered", value=delivered)
    return target_row


def test_the_values_field_asks_one_input_per_planned_indicator_in_its_unit():
    request = in_state("in_delivery")
    staff = IndicatorFactory(name="Staff trained")
    plan = IndicatorFactory(name="Plan adopted", unit="yes_no", priority=2)
    scale = IndicatorFactory(name="Trust", unit="scale", priority=3)
    IndicatorFactory(name="Not planned")
    _planned(request, staff, Decimal(2), Decimal(1500))
    _planned(request, plan)
    _planned(request, scale)

    html = str(MoveForm(TRANSITION_SPECS["report_delivery"], request, prefix="report_delivery")["values"])

    assert "Not planned" not in html
    assert f'type="number" name="report_delivery-values-{staff.pk}"' in html
    assert "1,500" in html  # the target beside it, grouped
    assert f'type="radio" name="report_delivery-values-{plan.pk}" value="1"' in html  # yes
    assert f'type="radio" name="report_delivery-values-{plan.pk}" value="0"' in html  # no
    # Nothing known yet: "not known" is the answer chosen.
    unknown = f'name="report_delivery-values-{plan.pk}" value="" id="id_report_delivery-values-{plan.pk}-2" checked'
    assert unknown in html
    assert f'type="radio" name="report_delivery-values-{scale.pk}" value="5"' in html


def test_blank_values_are_unknown_and_left_out():
    request = in_state("in_delivery")
    staff, plan = IndicatorFactory(), IndicatorFactory(unit="yes_no")
    _planned(request, staff)
    _planned(request, plan)
    form = MoveForm(
        TRANSITION_SPECS["report_delivery"],
        request,
        {"report_delivery-report": "Done.", f"report_delivery-values-{staff.pk}": "12"},
        prefix="report_delivery",
    )

    assert form.is_valid(), form.errors
    assert form.move_data()["values"] == [{"indicator": staff.pk, "value": "12"}]


def test_a_value_outside_its_unit_is_an_error_naming_the_indicator():
    request = in_state("in_delivery")
    staff = IndicatorFactory(name="Staff trained")
    _planned(request, staff)
    form = MoveForm(
        TRANSITION_SPECS["report_delivery"],
        request,
        {"report_delivery-report": "Done.", f"report_delivery-values-{staff.pk}": "2.5"},
        prefix="report_delivery",
    )

    assert not form.is_valid()
    assert form.errors["values"][0].startswith("Staff trained")


def test_the_evaluation_starts_from_the_values_reported_at_delivery():
    request = in_state("delivered")
    staff = IndicatorFactory()
    _planned(request, staff, delivered=Decimal(12))

    html = str(MoveForm(TRANSITION_SPECS["evaluate"], request, prefix="evaluate")["values"])

    assert f'name="evaluate-values-{staff.pk}" id="id_evaluate-values-{staff.pk}" value="12"' in html


def test_without_planned_indicators_the_values_field_says_so_and_takes_nothing():
    request = in_state("in_delivery")
    form = MoveForm(
        TRANSITION_SPECS["report_delivery"], request, {"report_delivery-report": "Done."}, prefix="report_delivery"
    )

    assert "No key indicator was planned" in str(form["values"])
    assert form.is_valid() and "values" not in form.move_data()


def test_applying_after_routing_to_experts_starts_from_the_indicators_already_planned():
    request = in_state("expert_matching")
    staff = IndicatorFactory()
    _planned(request, staff, baseline=Decimal(2), target=Decimal(10))

    html = str(_funding_form(request=request)["indicators"])

    assert f'value="{staff.pk}" id="id_route_to_funding-indicators-{staff.pk}" checked' in html
    assert f'id="id_route_to_funding-indicators-{staff.pk}-target" value="10"' in html
