"""The needs map of a hub (/hub/needs/): demand by theme, country and quarter, unmet demand, time to first answer,
its links to the queue, its exports, and who may read it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html import escape, unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from helpdesk.models import SupportRequest
from tests.factories import (
    CityFactory,
    RegionFactory,
    SupportRequestFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)
from web.lists.needs import QueueLinks, needs_page, needs_rendered_recent
from workflows.needs import Counts, needs_map
from workflows.tally import tally_rebuild

pytestmark = pytest.mark.django_db

YEAR = 2025  # a past year, so the chooser accepts it whenever the tests run


def _filed(city, *, state="submitted", theme="multi_agency", at=None, answered_after=None) -> SupportRequest:
    at = at or datetime(YEAR, 2, 10, 12, tzinfo=UTC)
    request = SupportRequestFactory(city=city, state=state, theme=theme)
    SupportRequest.objects.filter(pk=request.pk).update(
        created_at=at,
        submitted_at=at,
        time_to_triage=answered_after,
        triaged_at=at + answered_after if answered_after else None,
    )
    tally_rebuild()  # set in the database, not moved: the needs map's tally counts it as a bulk load is
    return request


@pytest.fixture
def hubs():
    """Hub A (Kenya and Tunisia) and hub B (Jordan)."""
    a, b = RegionFactory(name="Hub A"), RegionFactory(name="Hub B")
    nairobi = CityFactory(region=a, country="KE", name="Nairobi")
    tunis = CityFactory(region=a, country="TN", name="Tunis")
    amman = CityFactory(region=b, country="JO", name="Amman")
    # Hub A: Kenya, multi-agency: Q1 submitted, delivered, closed, declined; Q2 withdrawn; Q4 (31 Dec late) open.
    _filed(nairobi, state="submitted", answered_after=timedelta(days=1))
    _filed(nairobi, state="delivered", answered_after=timedelta(days=3))
    _filed(nairobi, state="closed", answered_after=timedelta(days=10))
    _filed(nairobi, state="declined", answered_after=timedelta(days=2))
    _filed(nairobi, state="withdrawn", at=datetime(YEAR, 4, 1, 0, 0, tzinfo=UTC))
    _filed(nairobi, state="expert_matching", at=datetime(YEAR, 12, 31, 23, 59, tzinfo=UTC))
    # Tunisia, young cities: Q3 one declined.
    _filed(tunis, state="declined", theme="young_cities", at=datetime(YEAR, 8, 1, tzinfo=UTC))
    # Not counted: a draft, a request of the year before and one of the year after.
    _filed(nairobi, state="draft")
    _filed(nairobi, at=datetime(YEAR - 1, 12, 31, 23, 59, tzinfo=UTC))
    _filed(nairobi, at=datetime(YEAR + 1, 1, 1, tzinfo=UTC))
    # Hub B: Jordan, one submitted.
    _filed(amman, theme="local_democracy")
    return a, b


def test_figures_count_declined_and_withdrawn_as_unmet_by_quarter(hubs):
    a, _b = hubs
    needs = needs_map(hub_staff(a), year=YEAR)
    assert needs.region_id == a.pk and needs.hubs is None and needs.hub == "Hub A"
    assert (needs.total.filed, needs.total.met, needs.total.unmet, needs.total.open) == (7, 2, 3, 2)
    kenya = needs.counts("multi_agency", "KE")
    assert (kenya.filed, kenya.met, kenya.unmet, kenya.open) == (6, 2, 2, 2)
    q1 = needs.cell("multi_agency", "KE", 1)
    assert (q1.filed, q1.met, q1.unmet, q1.open) == (4, 2, 1, 1)
    assert needs.cell("multi_agency", "KE", 2).unmet == 1  # withdrawn on the first instant of April
    assert needs.cell("multi_agency", "KE", 4).open == 1  # the last minute of December
    assert needs.cell("young_cities", "TN", 3).unmet == 1
    assert [needs.by_quarter[q].filed for q in (1, 2, 3, 4)] == [4, 1, 1, 1]
    assert needs.by_theme["young_cities"].filed == 1 and needs.by_country["TN"].filed == 1
    assert [t.key for t in needs.themes] == ["multi_agency", "young_cities"]  # the catalogue's order
    assert [c.label for c in needs.countries] == ["Kenya", "Tunisia"]


def test_median_time_to_first_answer_per_theme_and_quarter(hubs):
    a, _b = hubs
    needs = needs_map(hub_staff(a), year=YEAR)
    # Answered in 1, 2, 3 and 10 days: the median of an even count is the mean of the middle two.
    assert needs.median_by_theme["multi_agency"] == timedelta(days=2, hours=12)
    assert needs.answered_by_theme["multi_agency"] == 4
    assert needs.median_by_quarter[1] == timedelta(days=2, hours=12)
    assert 2 not in needs.median_by_quarter and "young_cities" not in needs.median_by_theme
    assert needs.median_total == timedelta(days=2, hours=12)
    city = CityFactory(region=a, country="KE")
    _filed(city, answered_after=timedelta(days=30))
    needs = needs_map(hub_staff(a), year=YEAR)
    assert needs.median_by_theme["multi_agency"] == timedelta(days=3)  # odd count: the middle one


def test_hub_staff_read_their_own_hub_only(client, hubs):
    a, b = hubs
    person = hub_staff(a)
    # A focal point of a city of hub B as well: that city's requests stay out of hub A's map.
    person.cities.add(CityFactory(region=b, country="JO"))
    client.force_login(person)
    response = client.get(reverse("hub-needs"), {"year": YEAR, "region": b.pk})
    assert response.status_code == 200
    shown = response.context["needs"]
    assert shown.region_id == a.pk and shown.total.filed == 7
    assert "Jordan" not in response.content.decode()


def test_management_chooses_a_hub_or_reads_every_hub(client, hubs):
    _a, b = hubs
    client.force_login(management())
    response = client.get(reverse("hub-needs"), {"year": YEAR})
    every = response.context["needs"]
    assert every.region_id is None and every.total.filed == 8
    assert f'<option value="{b.pk}">Hub B</option>' in response.content.decode()  # the hub chooser
    chosen = client.get(reverse("hub-needs"), {"year": YEAR, "region": b.pk}).context["needs"]
    assert chosen.region_id == b.pk and chosen.total.filed == 1 and chosen.hub == "Hub B"
    assert client.get(reverse("hub-needs"), {"year": YEAR, "region": 999999}).status_code == 404


@pytest.mark.parametrize("make", [steering, expert, lambda: focal_point(CityFactory())])
def test_other_roles_may_not_open_it(client, hubs, make):
    client.force_login(make())
    for name in ("hub-needs", "hub-needs-csv", "hub-needs-xlsx"):
        assert client.get(reverse(name)).status_code == 403


def test_year_defaults_to_this_year_and_odd_years_are_ignored(client, hubs):
    a, _b = hubs
    client.force_login(hub_staff(a))
    this_year = datetime.now(UTC).year
    for value in ("", "1999", "99999", "２０２５", "abc", str(this_year + 1)):
        assert client.get(reverse("hub-needs"), {"year": value}).context["needs"].year == this_year


def _links(html: str) -> dict[str, str]:
    return {unescape(href): text for href, text in re.findall(r'<a href="(/hub/queue/\?[^"]+)">([^<]+)', html)}


def test_each_count_opens_the_queue_it_counts(client, hubs):
    a, _b = hubs
    person = hub_staff(a)
    client.force_login(person)
    html = client.get(reverse("hub-needs"), {"year": YEAR}).content.decode()
    links = _links(html)
    assert links, "the page links its counts to the queue"
    checked = 0
    for url, text in links.items():
        query = parse_qs(urlsplit(url).query, keep_blank_values=True)
        if "country" not in query or "theme" not in query:
            continue
        listed = client.get(url).context["page"].total
        assert listed == int(text), url
        checked += 1
    assert checked >= 4  # two cells, each with its unmet count
    unmet = [u for u in links if "state=unmet" in u and "country=KE" in u and "theme=multi_agency" in u]
    assert len(unmet) == 1 and links[unmet[0]] == "2"


def test_charts_and_table_render(client, hubs):
    a, _b = hubs
    client.force_login(hub_staff(a))
    html = client.get(reverse("hub-needs"), {"year": YEAR}).content.decode()
    assert 'id="chart-quarters"' in html and 'id="chart-needs-themes"' in html
    assert "table-responsive" in html and "Kenya" in html and "Tunisia" in html


def test_queue_links_to_the_needs_map(client, hubs):
    a, _b = hubs
    client.force_login(hub_staff(a))
    assert reverse("hub-needs") in client.get(reverse("hub-queue")).content.decode()


def test_csv_holds_the_page_figures(client, hubs):
    a, _b = hubs
    client.force_login(hub_staff(a))
    response = client.get(reverse("hub-needs-csv"), {"year": YEAR})
    assert response["Content-Disposition"] == f'attachment; filename="needs-{YEAR}-hub{a.pk}.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    year_rows = {(r["Country"], r["Theme"]): r for r in rows if r["Quarter"] == str(YEAR)}
    kenya = year_rows[("Kenya", "Multi-agency prevention frameworks")]
    assert (kenya["Filed"], kenya["Met (delivered or closed)"], kenya["Unmet (declined or withdrawn)"]) == (
        "6",
        "2",
        "2",
    )
    q1 = next(r for r in rows if r["Country"] == "Kenya" and r["Quarter"] == f"Q1 {YEAR}")
    assert (q1["Filed"], q1["In progress"]) == ("4", "1")


def test_xlsx_holds_the_page_figures_in_the_readers_language(client, hubs):
    a, _b = hubs
    reader = hub_staff(a)
    client.force_login(reader)
    page = needs_page(needs_map(reader, year=YEAR))
    reader.preferred_language = "fr"
    reader.save(update_fields=["preferred_language"])
    response = client.get(reverse("hub-needs-xlsx"), {"year": YEAR})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    needs_sheet, matrix_sheet, answers_sheet = book.worksheets
    matrix = [list(row) for row in matrix_sheet.iter_rows(values_only=True)]
    themes = page.needs.themes
    # The page's table, line for line: each country's filed counts per theme, then the totals.
    for line, row in zip(matrix[1:-1], page.matrix, strict=True):
        assert line[1:-1] == [filed.count for filed, _unmet in row.cells] and line[-1] == row.total[0].count
    assert matrix[-1][1:] == [*(filed.count for filed, _unmet in page.totals), page.total[0].count]
    assert len(matrix[0]) == len(themes) + 2
    lines = [list(row) for row in needs_sheet.iter_rows(values_only=True)]
    assert sum(line[4] for line in lines[1:] if line[3] == str(YEAR)) == page.needs.total.filed
    answers = [list(row) for row in answers_sheet.iter_rows(values_only=True)]
    assert answers[1][1:] == [2.5, 4]  # multi-agency: a median of two and a half days over four answers
    # Labels in the reader's language (French here).
    assert "Kenya" in {line[1] for line in lines} and lines[0][1] == "Pays"


def test_every_hub_export_names_no_hub_id(client, hubs):
    client.force_login(management())
    response = client.get(reverse("hub-needs-csv"), {"year": YEAR})
    assert response["Content-Disposition"] == f'attachment; filename="needs-{YEAR}.csv"'


def test_quarter_and_outcome_links_list_what_they_count(client, hubs):
    a, _b = hubs
    person = hub_staff(a)
    client.force_login(person)
    needs = needs_map(person, year=YEAR)
    links = QueueLinks(needs)
    for quarter in (1, 2, 3, 4):
        counts = needs.by_quarter[quarter]
        for outcome, expected in (
            ("", counts.filed),
            ("met", counts.met),
            ("unmet", counts.unmet),
            ("open", counts.open),
        ):
            listed = client.get(links.url(quarter=quarter, outcome=outcome)).context["page"].total
            assert listed == expected, (quarter, outcome)


def test_the_management_units_links_keep_the_chosen_hub(client, hubs):
    a, _b = hubs
    client.force_login(management())
    needs = needs_map(management(), year=YEAR, region_id=a.pk)
    url = QueueLinks(needs).url(theme="young_cities", outcome="unmet")
    assert f"region={a.pk}" in url
    assert client.get(url).context["page"].total == 1


def test_the_joined_links_equal_the_plain_reverse_and_urlencode(hubs):
    """QueueLinks joins pre-encoded parts (thousands of links a page); each must equal what ``reverse`` and
    ``urlencode`` write for the same query."""
    from urllib.parse import urlencode

    from web.lists.needs import OUTCOME_STATES
    from workflows.needs import quarter_bounds

    a, _b = hubs
    for needs in (needs_map(management(), year=YEAR, region_id=a.pk), needs_map(hub_staff(a), year=YEAR)):
        links = QueueLinks(needs)
        for theme, country, quarter, outcome in (
            ("", "", None, ""),
            ("young_cities", "", 2, "unmet"),
            ("", "KE", None, "met"),
            ("young_cities", "CI", 4, "open"),
        ):
            params = {"state": OUTCOME_STATES[outcome]}
            if needs.region_id is not None and needs.hubs is not None:
                params["region"] = str(needs.region_id)
            if theme:
                params["theme"] = theme
            if country:
                params["country"] = country
            params["filed_from"] = quarter_bounds(YEAR, quarter or 1)[0].isoformat()
            params["filed_before"] = quarter_bounds(YEAR, quarter or 4)[1].isoformat()
            plain = reverse("hub-queue") + "?" + urlencode(params)
            assert links.url(theme=theme, country=country, quarter=quarter, outcome=outcome) == plain
        # A cell's two links (``pair``, ``row``: joined from parts encoded once) are the same addresses.
        from web.lists.needs import Link

        for theme, country in (("", ""), ("young_cities", ""), ("", "KE"), ("young_cities", "CI")):
            filed, unmet = (
                links.url(theme=theme, country=country),
                links.url(theme=theme, country=country, outcome="unmet"),
            )
            assert links.pair(Counts(filed=3, unmet=1), theme=theme, country=country) == (
                Link(3, filed),
                Link(1, unmet),
            )
            assert links.pair(Counts(filed=3), theme=theme, country=country) == (Link(3, filed), Link(0, ""))
            # And each as the page's HTML holds it (joined from parts escaped once): the whole address escaped.
            written = links.pair(Counts(filed=3, unmet=1), theme=theme, country=country)
            assert [link.href for link in written] == [escape(filed), escape(unmet)]
            assert "&amp;" in written[0].href


def test_the_page_and_its_files_show_no_request_content(client, hubs):
    a, _b = hubs
    SupportRequestFactory(
        city=CityFactory(region=a, country="KE"), state="submitted", title="A secret title", summary="Private summary"
    )
    client.force_login(hub_staff(a))
    this_year = {"year": datetime.now(UTC).year}
    page = client.get(reverse("hub-needs"), this_year).content.decode()
    text = client.get(reverse("hub-needs-csv"), this_year).content.decode()
    book = load_workbook(io.BytesIO(client.get(reverse("hub-needs-xlsx"), this_year).content))
    cells = " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row)
    for shown in (page, text, cells):
        assert "A secret title" not in shown and "Private summary" not in shown and "SCN-" not in shown
    assert "<script" not in page.split("<main", 1)[-1].split("</main>")[0]


def test_the_page_is_rendered_once_per_hub_year_chooser_and_language(hubs, django_assert_num_queries):
    a, b = hubs
    person, colleague, other, unit = hub_staff(a), hub_staff(a), hub_staff(b), management()
    first = needs_rendered_recent(person, year=YEAR, region_id=None)
    assert first.total == needs_map(person, year=YEAR).total and "Kenya" in first.body
    assert colleague.role_names  # the colleague's roles read (the page's request reads them anyway)
    with django_assert_num_queries(0):
        assert needs_rendered_recent(colleague, year=YEAR, region_id=None) == first  # the same hub's copy
    assert needs_rendered_recent(other, year=YEAR, region_id=a.pk).region_id == b.pk  # hub staff: their own
    with_chooser = needs_rendered_recent(unit, year=YEAR, region_id=a.pk)
    assert with_chooser.total == first.total and with_chooser.body != first.body  # the hub chooser
    assert needs_rendered_recent(person, year=YEAR - 1, region_id=None).year == YEAR - 1
    with translation.override("fr"):
        assert "Pays" in needs_rendered_recent(person, year=YEAR, region_id=None).body


@pytest.mark.parametrize("chosen", [False, True])
def test_the_figures_cost_the_same_queries_at_ten_times_the_requests(chosen):
    counts = []
    for n in (5, 50):
        region = RegionFactory()
        cities = [CityFactory(region=region, country=code) for code in ("KE", "TN", "JO")]
        for i in range(n):
            _filed(
                cities[i % 3],
                state=["submitted", "declined", "closed", "withdrawn"][i % 4],
                theme=["multi_agency", "young_cities", "other"][i % 3],
                at=datetime(YEAR, 1 + i % 12, 5, tzinfo=UTC),
                answered_after=timedelta(hours=i + 1),
            )
        person = management() if chosen else hub_staff(region)
        with CaptureQueriesContext(connection) as captured:
            needs = needs_map(person, year=YEAR, region_id=region.pk)
        assert needs.total.filed == n
        counts.append(len(captured.captured_queries))
    # The hub (or hubs), the role; the counts by year, by quarter and per quarter's line; the answers by theme
    # and by quarter.
    assert counts[0] == counts[1] <= 7


def test_a_year_without_requests_says_so(client):
    client.force_login(hub_staff(RegionFactory()))
    response = client.get(reverse("hub-needs"), {"year": YEAR})
    assert response.status_code == 200 and response.context["needs"].total.filed == 0
    assert "No request was filed in this year." in response.content.decode()
    # A count of none is printed, not linked (an empty address would open this very page).
    assert 'href=""' not in response.content.decode()
    rows = list(csv.reader(io.StringIO(client.get(reverse("hub-needs-csv"), {"year": YEAR}).content.decode()[1:])))
    assert len(rows) == 1  # the header only
    assert load_workbook(io.BytesIO(client.get(reverse("hub-needs-xlsx"), {"year": YEAR}).content)).worksheets


# The plain version of the table's cells: the template include that ``CellWriter`` stands for.
PLAIN_ROW = (
    '{% for filed, unmet in cells %}<td>{% include "web/hub/needs_cell.html" %}</td>'
    "{% endfor %}<td>{% with filed=total.0 unmet=total.1 %}"
    '{% include "web/hub/needs_cell.html" %}{% endwith %}</td>'
)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_written_cells_equal_the_template_include_in_every_language(language):
    """CellWriter writes the theme × country table's cells (thousands a page) instead of an include per cell;
    each line must be what the template writes, character for character, whatever the counts."""
    from django.template import engines

    from web.lists.needs import CellWriter, Link

    url = reverse("hub-queue") + "?state=&theme=young_cities&country=KE&filed_from=2025-01-01&x=%3Cb%3E%22"
    cells = [
        (Link(0, url), Link(0, url)),
        (Link(7, url), Link(0, url)),
        (Link(12345, url), Link(3, url)),
        (Link(1, url + "&a=1"), Link(1000, url + "&b=2")),
    ]
    total = (Link(13353, url), Link(1003, url))
    plain = engines["django"].from_string("{% load i18n humanize %}" + PLAIN_ROW)
    with translation.override(language):
        assert CellWriter().row(cells, total) == plain.render({"cells": cells, "total": total})
        for filed, unmet in cells:
            assert (
                CellWriter().cell(filed, unmet)
                == plain.render({"cells": [], "total": (filed, unmet)})[len("<td>") : -len("</td>")]
            )
