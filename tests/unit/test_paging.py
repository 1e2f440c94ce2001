"""A page's arithmetic, and the value a list's buttons carry (handlers/paging.py)."""
from __future__ import annotations

from bot.paging import Page, start
from handlers.paging import read_value, value


def test_a_page_knows_what_comes_before_and_after():
    middle = Page(rows=list(range(20)), total=45, offset=20, size=20)
    assert (middle.more, middle.next_offset, middle.previous_offset) == (5, 40, 0)
    last = Page(rows=list(range(5)), total=45, offset=40, size=20)
    assert (last.more, last.next_offset, last.previous_offset) == (0, None, 20)
    only = Page(rows=[1], total=1, offset=0, size=20)
    assert (only.next_offset, only.previous_offset) == (None, None)


def test_an_offset_from_an_older_page_stays_within_what_there_is_now():
    assert start(60, 45) == 44 and start(-3, 45) == 0 and start(10, 0) == 0


def test_a_buttons_value_fits_slack_and_reads_back():
    assert read_value(value("map Payroll ü", 20)) == ("map Payroll ü", 20)
    assert len(value('"' * 5000, 40)) <= 2000 and read_value(value('"' * 5000, 40))[1] == 40
    assert read_value("not json") == ("", 0) and read_value(None) == ("", 0)
