"""Names as people type them: shown as typed wherever they appear; renamed and removed with care."""
from __future__ import annotations

from messages.ids import Block
from tests.helpers import assert_valid_blocks, text_of
from tests.slack.test_service_map import ALICE, add_party, add_service, link

MARKUP = "*bold* _pay_ ~roll~"  # the tokens tests.helpers looks for: none may format a message


def test_a_name_typed_with_markup_shows_as_typed_and_its_link_hint_works(slack, sandbox, team):
    assert add_service(slack, name=MARKUP, description="_the_ *pay* run").ok
    added = sandbox.last_ephemeral(ALICE)
    assert_valid_blocks({"text": added.text, "blocks": added.blocks})
    assert "`/slm link *bold* _pay_ ~roll~`" in text_of(added)  # in code: literal, and copied it finds the service
    add_party(slack, "customer", "_Acme_")
    assert link(slack, sandbox, team, MARKUP, "_Acme_").ok
    linked = sandbox.last_ephemeral(ALICE)
    assert_valid_blocks({"text": linked.text, "blocks": linked.blocks})

    slack.command("link *bold* _pay_ ~roll~")  # the hint, as copied: the form opens on that service
    form = sandbox.open_modal(team, ALICE)
    chosen = next(b for b in form.view["blocks"] if b.get("block_id") == Block.LINK_SERVICE)["element"]
    assert chosen["initial_option"]["text"]["text"] == MARKUP
    sandbox.close_modals(team, ALICE)

    for asked in ("", MARKUP, "_Acme_"):
        slack.command(f"map {asked}")
        shown = sandbox.last_ephemeral(ALICE)
        assert_valid_blocks({"text": shown.text, "blocks": shown.blocks})
        assert "∗bold∗ ˍpayˍ ∼roll∼" in text_of(shown)
