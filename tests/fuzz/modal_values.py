"""What a person (or someone crafting requests) can put in a modal: hypothesis strategies for each input's state
entry, as Slack carries it in view.state.values, and for the private_metadata the view comes back with."""
from __future__ import annotations

import json

from hypothesis import strategies as st

from bot.sandbox.payloads import all_options
from tests.fuzz.words import ODD, command_args

DATES = st.one_of(st.dates().map(str), st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31",
                                                         "31/12/2026", "", "yesterday", "2026-03-02T10:00"]))
TIMES = st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), st.sampled_from(["25:61", "", "9", "12:00:00"]))
USERS = st.sampled_from(["U0ALICE", "U0BOB", "U0CAROL", "U0NOBODY", "", "<@U0ALICE>", "W0ENTERPRISE", "x" * 200])
CHANNELS = st.sampled_from(["C0GENERAL", "C0NONE", "D0DIRECT", "G0PRIVATE", "", "#general"])
ids = st.one_of(st.integers(min_value=-2, max_value=40), st.just(2**63), st.integers().map(str),
                st.sampled_from(["", "1.5", "abc", "T3", "target:T3", "target:new", "clause:scope", "term"]))


def option(element: dict) -> st.SearchStrategy[dict | None]:
    """One of the options offered, or one that was not (a crafted value), or none chosen."""
    offered = all_options(element)
    crafted = st.builds(lambda v: {"text": {"type": "plain_text", "text": "crafted"}, "value": str(v)},
                        st.one_of(ids, st.text(max_size=20), st.sampled_from(ODD)))
    return st.one_of(st.sampled_from(offered), crafted, st.none()) if offered else st.one_of(crafted, st.none())


def text_value(names: list[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(command_args(names), st.none(), st.just(""), ids.map(str), DATES)


def state_entry(element: dict, names: list[str]) -> st.SearchStrategy[dict]:
    typ = element["type"]
    if typ in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        return text_value(names).map(lambda v: {"type": typ, "value": v})
    if typ in ("static_select", "radio_buttons", "external_select"):
        return option(element).map(lambda o: {"type": typ, "selected_option": o})
    if typ in ("multi_static_select", "checkboxes", "multi_external_select"):
        return st.lists(option(element).filter(bool), max_size=4).map(lambda os: {"type": typ, "selected_options": os})
    if typ == "users_select":
        return st.one_of(USERS, st.none()).map(lambda u: {"type": typ, "selected_user": u})
    if typ == "multi_users_select":
        return st.lists(USERS, max_size=4).map(lambda us: {"type": typ, "selected_users": us})
    if typ in ("conversations_select", "channels_select"):
        key = "selected_conversation" if typ == "conversations_select" else "selected_channel"
        return st.one_of(CHANNELS, st.none()).map(lambda c: {"type": typ, key: c})
    if typ == "datepicker":
        return st.one_of(DATES, st.none()).map(lambda d: {"type": typ, "selected_date": d})
    if typ == "timepicker":
        return st.one_of(TIMES, st.none()).map(lambda t: {"type": typ, "selected_time": t})
    raise AssertionError(f"no fuzz strategy for a {typ} element: add one to tests/fuzz/modal_values.py")


def stateful_elements(view: dict) -> list[tuple[str, dict, bool]]:
    """(block_id, element, is_input) for every element whose value Slack sends in view.state."""
    found = []
    for block in view.get("blocks", []):
        if block.get("type") == "input":
            found.append((block["block_id"], block["element"], True))
        else:
            for el in (block.get("elements") if block.get("type") == "actions" else
                       [block["accessory"]] if "accessory" in block else []) or []:
                if el.get("type") not in ("button", "overflow", "image", "workflow_button"):
                    found.append((block["block_id"], el, False))
    return found


@st.composite
def state(draw, view: dict, names: list[str]) -> dict:
    """view.state.values: each element's entry, sometimes left out altogether (a field Slack did not send)."""
    values: dict[str, dict] = {}
    for block_id, element, _is_input in stateful_elements(view):
        if draw(st.integers(0, 9)) == 0:
            continue
        values.setdefault(block_id, {})[element["action_id"]] = draw(state_entry(element, names))
    return values


def metadata(keys: tuple[str, ...]) -> st.SearchStrategy[str]:
    """The view's private_metadata: what the opener writes (these keys) with values of any sort, keys left out,
    JSON of another shape, or no JSON at all."""
    value = st.one_of(ids, st.none(), st.booleans(), st.text(max_size=20), CHANNELS, st.lists(ids, max_size=2),
                      st.dictionaries(st.sampled_from(keys or ("x",)), ids, max_size=2))
    ours = st.fixed_dictionaries({}, optional={k: value for k in keys}).map(json.dumps)
    other = st.one_of(st.sampled_from(["", "{}", "null", "[]", "1", '"x"', "{", "not json", '{"kind": "nope"}']),
                      st.dictionaries(st.text(max_size=8), value, max_size=3).map(json.dumps))
    return st.one_of(ours, ours, ours, other)
