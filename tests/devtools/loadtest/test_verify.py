"""The load test's proof: the client's saved writes against the rows that hold their tokens, and its table."""

import pytest

from devtools.loadtest.verify import check_writes, table
from helpdesk.models import RequestState
from tests.factories import SupportRequestFactory

RUN = "abcdef"


def mark(letter: str) -> str:
    return f"lt{RUN}x" + letter * 12


def submitted(token: str) -> None:
    SupportRequestFactory(title=f"Load test {token}: advice", state=RequestState.SUBMITTED)


@pytest.mark.django_db
def test_a_saved_write_must_be_there_once_a_refused_one_not_at_all_an_unanswered_one_either_way():
    submitted(mark("a"))  # saved, there: sound
    submitted(mark("c"))  # refused, yet there: unexplained
    submitted(mark("d"))  # saved, there twice: doubled
    submitted(mark("d"))
    submitted(mark("e"))  # no answer, there: the desk saved it before the worker died
    kind = "city new request (submit)"
    writes = [
        {"token": mark("a"), "kind": kind, "outcome": "ok"},
        {"token": mark("b"), "kind": kind, "outcome": "ok"},  # saved, not there: lost
        {"token": mark("c"), "kind": kind, "outcome": "refused"},
        {"token": mark("d"), "kind": kind, "outcome": "ok"},
        {"token": mark("e"), "kind": kind, "outcome": "unknown"},
        {"token": mark("f"), "kind": kind, "outcome": "unknown"},
    ]

    [check] = check_writes(run=RUN, writes=writes)

    assert (check.ok, check.refused, check.unknown, check.rows) == (3, 1, 2, 5)
    assert (check.lost, check.doubled, check.unexplained) == ([mark("b")], [mark("d")], [mark("c")])
    assert not check.sound


@pytest.mark.django_db
def test_every_saved_write_there_once_is_sound():
    submitted(mark("a"))
    [check] = check_writes(run=RUN, writes=[{"token": mark("a"), "kind": "k", "outcome": "ok"}])
    assert check.sound and check.rows == 1


def test_the_table_holds_each_line_to_its_target(tmp_path):
    header = "Type,Name,Request Count,Failure Count,Requests/s,50%,95%,99%\n"
    rows = [
        "GET,city: home,100,0,5.0,40,240,300",
        "GET,hub: queue,80,1,4.0,60,260,400",
        "POST,write: city message,20,0,1.0,90,390,420",
        "GET,management: figures,0,0,0,N/A,N/A,N/A",
        ",Aggregated,200,1,10.0,50,250,400",
    ]
    stats = tmp_path / "stats.csv"
    stats.write_text(header + "\n".join(rows) + "\n")

    text, missed = table(stats)

    assert missed == ["hub: queue"]
    assert "| city: home | 100 | 5.0 | 40 | 240 | 300 | 0 | ≤ 250 ms met |" in text
    assert "| write: city message | 20 | 1.0 | 90 | 390 | 420 | 0 | ≤ 400 ms met |" in text
    assert "management: figures" not in text and "| **all** | 200 |" in text
