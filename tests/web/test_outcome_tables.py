"""The outcome tables' lines written by ``web.outcome_tables`` equal the template loops they stand for."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from helpdesk.models import IndicatorUnit
from web.outcome_tables import outcome_lines
from workflows.outcome_stats import FollowUpPoint, IndicatorRow, OutcomeFigures, PriorityGroup

# The plain version: the loops of ``templates/web/includes/outcome_tables.html`` that the writer replaced.
PLAIN_REACHED = """{% for group in outcomes.groups %}<tbody>
      <tr class="table-light"><th scope="colgroup" colspan="6"><bdi>{{ group.label }}</bdi></th></tr>
      {% for row in group.rows %}<tr>
        <th scope="row" class="fw-normal"><bdi>{{ row.label }}</bdi></th><td>{{ row.unit_label }}</td>
        <td class="text-end text-nowrap">{{ row.planned|count_words }}</td><td class="text-end text-nowrap">{{ row.delivered|count_words }}</td>
        <td class="text-end text-nowrap">{{ row.confirmed|count_words }}</td><td class="text-end text-nowrap">{{ row.reached|count_words }}</td>
      </tr>{% endfor %}
    </tbody>{% endfor %}"""  # noqa: E501 (the template's lines, as they were)
PLAIN_SUSTAINED = """{% for row in outcomes.rows %}{% if row.planned != 0 %}<tbody>{% for point in row.points %}<tr>
      {% if forloop.first %}<th scope="rowgroup" rowspan="{{ row.points|length }}" class="fw-normal"><bdi>{{ row.label }}</bdi></th>{% endif %}
      <td class="text-nowrap">{% blocktranslate count months=point.months %}after {{ months }} month{% plural %}after {{ months }} months{% endblocktranslate %}</td>
      <td class="text-end">{{ point.asked|count_words }}</td><td class="text-end">{{ point.answered|count_words }}</td><td class="text-end">{{ point.missing|count_words }}</td>
      <td class="text-end text-nowrap">{% if point.value is None and point.values %}{% translate "not shown" %}{% else %}{{ point.value|outcome_value:row.unit }}{% endif %}</td>
    </tr>{% endfor %}</tbody>{% endif %}{% endfor %}"""  # noqa: E501


def _row(indicator_id: int, label: str, unit: str, planned: int | None, points: list[FollowUpPoint]) -> IndicatorRow:
    return IndicatorRow(
        indicator_id=indicator_id,
        code=f"k{indicator_id}",
        label=label,
        unit=unit,
        unit_label=str(IndicatorUnit(unit).label) + " <&>",
        priority=1,
        higher_is_better=True,
        planned=planned,
        delivered=None if planned is None else 12345,
        confirmed=3,
        reached=0,
        points=points,
    )


def _figures() -> OutcomeFigures:
    """Every kind of line: names to escape and in Arabic, counts suppressed, grouped and zero, an indicator never
    planned (left out of the follow-ups), values shown, hidden ("not shown") and missing, each unit."""
    points = [
        FollowUpPoint(months=1, asked=7, answered=None, missing=0, value=Decimal("4"), values=5),
        FollowUpPoint(months=6, asked=1234, answered=1000, missing=234, value=None, values=3),
        FollowUpPoint(months=12, asked=0, answered=0, missing=0, value=None, values=0),
    ]
    groups = [
        PriorityGroup(1, "Prévention <des> \"conflits\" & 'discours'", [
            _row(1, "Jeunes formés & <b>mentors</b>", IndicatorUnit.COUNT, 12, points),
            _row(2, "نسبة المشاركين", IndicatorUnit.PERCENTAGE, None, points[:1]),
            _row(3, "Never planned", IndicatorUnit.SCALE, 0, points),
        ]),
        PriorityGroup(2, "Cohésion", [
            _row(4, "Plan adopted?", IndicatorUnit.YES_NO, 5, [FollowUpPoint(3, asked=2, value=Decimal(2), values=2)]),
            _row(5, "Satisfaction", IndicatorUnit.SCALE, 8, [FollowUpPoint(6, value=Decimal("3.5"), values=8)]),
        ]),
        PriorityGroup(3, "Empty", []),
    ]  # fmt: skip
    return OutcomeFigures(groups=groups, months=[1, 3, 6, 12], follow_ups=[], suppressed=True)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_written_lines_equal_the_template_loops_in_every_language(language):
    outcomes = _figures()
    engine = engines["django"]
    with translation.override(language):
        lines = outcome_lines(outcomes)
        assert lines.reached == engine.from_string("{% load desk %}" + PLAIN_REACHED).render({"outcomes": outcomes})
        plain = engine.from_string("{% load i18n desk %}" + PLAIN_SUSTAINED).render({"outcomes": outcomes})
        assert lines.sustained == plain
    # The lines hold what they must: escaped names, a suppressed count, a hidden value, the never-planned left out.
    assert "Jeunes formés &amp; &lt;b&gt;mentors&lt;/b&gt;" in lines.reached
    assert "Never planned" in lines.reached and "Never planned" not in lines.sustained
    assert lines.sustained.count("<tbody>") == 4


def test_no_groups_write_no_lines():
    lines = outcome_lines(OutcomeFigures(groups=[], months=[], follow_ups=[]))
    assert (lines.reached, lines.sustained) == ("", "")
