"""What Slack puts in an interaction payload for the elements of a message or view: the `actions` entry of an
element used (`action`), and `view.state.values` from what the person entered (`view_state`), searching selects'
choices among the options the bot offered included. The driver (bot/sandbox/driver.py) sends them."""
from __future__ import annotations

import time
from typing import Any


def find_block(blocks: list[dict], block_id: str) -> tuple[str, dict]:
    """The block (by its id, or its base id `prop_goal` for `prop_goal.T3`) and its one element."""
    for block in blocks:
        bid = block.get("block_id", "")
        if block_id in (bid, bid.partition(".")[0]):
            element = block.get("element") or block.get("accessory") or (block.get("elements") or [None])[0]
            if element:
                return bid, element
    raise AssertionError(f"no block {block_id!r} with an element in these blocks")


def find_element(blocks: list[dict], action_id: str, block_id: str | None = None) -> tuple[str, dict]:
    for block in blocks:
        if block_id is not None and block.get("block_id") != block_id:
            continue
        elements = block.get("elements") or ([block["accessory"]] if "accessory" in block else [])
        if block.get("type") == "input":
            elements = [block["element"]]
        for el in elements:
            if el.get("action_id") == action_id:
                return block.get("block_id", ""), el
    raise AssertionError(f"no element with action_id {action_id!r} in these blocks")


def action_entry(element: dict, block_id: str, value: Any) -> dict[str, Any]:
    """One entry of a block_actions payload's `actions`, as Slack sends it for this element."""
    typ = element["type"]
    action: dict[str, Any] = {"type": typ, "action_id": element["action_id"], "block_id": block_id,
                              "action_ts": f"{time.time():.6f}"}
    if typ == "button":
        action.update(text=element.get("text"), value=element.get("value", ""))
        if element.get("style"):
            action["style"] = element["style"]
    elif typ in ("static_select", "overflow", "radio_buttons"):
        action["selected_option"] = _option(element, value)
    elif typ in ("multi_static_select", "checkboxes"):
        action["selected_options"] = [_option(element, v) for v in (value or [])]
    elif typ in ("users_select", "conversations_select", "channels_select"):
        action["selected_" + typ.removesuffix("s_select")] = value
    elif typ == "multi_users_select":
        action["selected_users"] = list(value or [])
    elif typ == "datepicker":
        action["selected_date"] = value
    elif typ == "timepicker":
        action["selected_time"] = value
    elif typ in ("plain_text_input", "number_input"):
        action["value"] = value
    else:
        raise AssertionError(f"the driver cannot act on a {typ} element")
    return action


def all_options(element: dict) -> list[dict]:
    opts = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        opts.extend(group.get("options") or [])
    return opts


def _option(element: dict, value: str | None) -> dict | None:
    if value is None:
        return None
    for opt in all_options(element):
        if opt.get("value") == value:
            return opt
    raise AssertionError(f"{value!r} is not one of the options of {element.get('action_id')!r}: "
                         f"{[o.get('value') for o in all_options(element)]}")


def view_state(view: dict, values: dict[str, Any], offered: dict[str, list[dict]] | None = None) -> dict:
    """`view.state.values` as Slack builds it from what the person entered, by block_id.

    Since 2020 Slack sends every stateful element, inputs and the selects or date pickers of actions blocks
    and section accessories alike; a given value for a non-input block goes to its one stateful element.
    A searching select's value is one of the options the bot `offered` for that block (by block_id), or a whole
    option dict as Slack carries it.
    """
    offered = offered or {}
    values = _by_block_id(view, values)
    state: dict[str, dict] = {}
    for block in view.get("blocks", []):
        bid = block.get("block_id", "")
        if block.get("type") == "input":
            elements = [block["element"]]
        else:
            elements = [e for e in (block.get("elements") if block.get("type") == "actions" else
                                    [block["accessory"]] if "accessory" in block else []) or []
                        if e.get("type") not in STATELESS]
            if not elements:
                continue
        for el in elements:
            given = values.get(bid) if len(elements) == 1 else None
            state.setdefault(bid, {})[el["action_id"]] = _state_entry(el, given, offered.get(bid, []))
    return state


def _by_block_id(view: dict, values: dict[str, Any]) -> dict[str, Any]:
    """Values by the view's block_ids. A test may name a field a redraw gave a variant id (`prop_goal.T3`) by
    its base (`prop_goal`) when the view has one such field; the payload carries the real id, as Slack's does."""
    ids = [b.get("block_id") for b in view.get("blocks", []) if b.get("block_id")]
    out: dict[str, Any] = {}
    for key, value in values.items():
        found = [key] if key in ids else [i for i in ids if i.partition(".")[0] == key]
        if len(found) != 1:
            raise AssertionError(f"the view has no block {key!r} (its blocks: {ids})")
        out[found[0]] = value
    return out


STATELESS = {"button", "overflow", "image", "workflow_button"}


SEARCHING = {"external_select", "multi_external_select"}


def _offered_option(el: dict, offered: list[dict], value: Any) -> dict:
    """A searching select's choice: an option dict as is, or the offered option with this value."""
    if isinstance(value, dict):
        return value
    found = next((o for o in offered if o.get("value") == value), None)
    if found is None:
        raise AssertionError(f"{value!r} was not among the options the bot offered for {el.get('action_id')!r} "
                             f"({[o.get('value') for o in offered]}): call suggest() with what the person types first")
    return found


def _state_entry(el: dict, given: Any, offered: list[dict] = ()) -> dict:
    typ = el["type"]
    entry: dict[str, Any] = {"type": typ}
    if typ == "external_select":
        entry["selected_option"] = (_offered_option(el, offered, given) if given is not None
                                    else el.get("initial_option"))
        return entry
    if typ == "multi_external_select":
        entry["selected_options"] = ([_offered_option(el, offered, v) for v in given] if given is not None
                                     else el.get("initial_options", []))
        return entry
    if typ in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        entry["value"] = given if given is not None else el.get("initial_value")
    elif typ in ("static_select", "radio_buttons"):
        entry["selected_option"] = _option(el, given) if given is not None else el.get("initial_option")
    elif typ in ("multi_static_select", "checkboxes"):
        entry["selected_options"] = ([_option(el, v) for v in given] if given is not None
                                     else el.get("initial_options", []))
    elif typ == "users_select":
        entry["selected_user"] = given if given is not None else el.get("initial_user")
    elif typ == "multi_users_select":
        entry["selected_users"] = list(given) if given is not None else el.get("initial_users", [])
    elif typ in ("conversations_select", "channels_select"):
        key = "selected_conversation" if typ == "conversations_select" else "selected_channel"
        entry[key] = given if given is not None else el.get("initial_conversation", el.get("initial_channel"))
    elif typ == "datepicker":
        entry["selected_date"] = given if given is not None else el.get("initial_date")
    elif typ == "timepicker":
        entry["selected_time"] = given if given is not None else el.get("initial_time")
    else:
        raise AssertionError(f"the driver cannot fill a {typ} element")
    return entry
