"""The queue's filter bar as a saved view keeps it (``QueueFilterForm.saved_query``) and the bulk form."""

from django.http import QueryDict

from helpdesk.selectors import FilterChoices
from web.forms.queue import BulkOwnerForm, QueueFilterForm

CHOICES = FilterChoices(cities=[("7", "Sfax")], countries=[("TN", "Tunisia")], owners=[("3", "Amina")], regions=None)


def _saved(query: str) -> str:
    return QueueFilterForm(QueryDict(query), choices=CHOICES).saved_query()


def test_a_saved_query_keeps_valid_filters_in_the_forms_order_and_nothing_else():
    assert _saved("sort=oldest&city=7&q=+water+&after=abc&overdue=on&state=submitted") == (
        "q=water&state=submitted&city=7&overdue=on&sort=oldest"
    )
    # An invalid choice is dropped, as the filter bar ignores it; a blank state ("any state") is kept.
    assert _saved("state=&city=999&theme=nonsense&owner=3") == "state=&owner=3"
    assert _saved("q=%7Bcity%7D+%26+more") == "q=%7Bcity%7D+%26+more&state="


def test_the_bulk_form_reads_the_ticked_boxes_and_needs_a_colleague_to_assign():
    ticked = QueryDict("action=take&r=SCN-2026-000001&r=SCN-2026-000002")
    form = BulkOwnerForm(ticked)
    assert form.is_valid() and form.references() == ["SCN-2026-000001", "SCN-2026-000002"]
    assert not BulkOwnerForm(QueryDict("action=assign&r=SCN-2026-000001")).is_valid()
    assert BulkOwnerForm(QueryDict("action=assign&owner=4")).is_valid()
    assert not BulkOwnerForm(QueryDict("action=delete")).is_valid()


def test_filing_dates_and_the_needs_maps_outcomes_are_filters():
    form = QueueFilterForm(QueryDict("state=unmet&filed_from=2025-01-01&filed_before=2025-04-01"), choices=CHOICES)
    filters = form.filters()
    assert sorted(filters.states) == ["declined", "withdrawn"]
    assert (str(filters.filed_from), str(filters.filed_before)) == ("2025-01-01", "2025-04-01")
    assert form.saved_query() == "state=unmet&filed_from=2025-01-01&filed_before=2025-04-01"
    assert sorted(_filters("state=met").states) == ["closed", "delivered"]
    in_progress = _filters("state=in_progress").states
    assert "delivered" not in in_progress and "draft" not in in_progress and "submitted" in in_progress
    assert _filters("filed_from=yesterday").filed_from is None


def _filters(query: str):
    return QueueFilterForm(QueryDict(query), choices=CHOICES).filters()
