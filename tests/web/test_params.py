"""Row ids read at the edge: ASCII digits of a bigint's length, nothing else."""

import pytest

from web.params import MAX_ID_DIGITS, parse_id


@pytest.mark.parametrize("text", ["1", "42", "9" * MAX_ID_DIGITS])
def test_an_id_is_ascii_digits(text):
    assert parse_id(text) == int(text)


@pytest.mark.parametrize(
    "text", ["", "0", "²", "٣", "１", "9" * (MAX_ID_DIGITS + 1), "9" * 5000, "-1", " 1", "1e3", "0x1", "\x00", None, 7]
)
def test_anything_else_is_no_id(text):
    assert parse_id(text) is None
