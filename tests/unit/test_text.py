"""What people type is made storable: no control characters or lone surrogates, tabs and new lines kept."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot import text


@given(st.text())
def test_storable_text_has_no_control_characters_and_encodes(typed):
    kept = text.storable(typed)
    assert not any((ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F for c in kept)
    kept.encode("utf-8")  # no lone surrogates: every database encoding can hold it
    assert text.storable(kept) == kept


def test_invisible_direction_and_width_characters_are_dropped():
    assert text.storable("Net\u202eroC krowteN\u200b\u2066x\u2069\ufeff") == "NetroC krowteNx"
    assert text.storable("\u200d\u200c") == "\u200d\u200c"  # joiners some scripts and emoji need


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf"))))
def test_storable_keeps_ordinary_text(typed):
    assert text.storable(typed) == typed
