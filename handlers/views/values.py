"""Reading what a person entered in a modal (`view.state.values`), by block_id."""
from __future__ import annotations

from datetime import date

from bot.errors import DomainError, InvalidInput
from handlers.replies import LARGEST_ID
from messages.ids import Action, Block


def base_block(block_id: str) -> str:
    """The field a block_id is for. A form redrawn so that a field means something else gives it a variant id
    (`prop_goal.T3`, `req_target.availability`): Slack carries a typed value over only to the same block_id."""
    return block_id.partition(".")[0]


class ViewValues:
    def __init__(self, view: dict):
        self._values = view.get("state", {}).get("values", {})

    def _entry(self, block: Block) -> dict:
        entries = self._values.get(block)
        if entries is None:
            entries = next((e for bid, e in self._values.items() if base_block(bid) == block), {})
        # Inputs use Action.INPUT; a searching select names what it searches in its action_id, one per block.
        return entries.get(Action.INPUT) or next(iter(entries.values()), {})

    def text(self, block: Block) -> str:
        return (self._entry(block).get("value") or "").strip()

    def option(self, block: Block) -> str | None:
        selected = self._entry(block).get("selected_option")
        return selected["value"] if selected else None

    def option_id(self, block: Block) -> int | None:
        """A chosen option whose value is a record's id (services, parties, targets, months)."""
        value = self.option(block)
        return int(value) if _digits(value) and int(value) <= LARGEST_ID else None

    def options(self, block: Block) -> list[str]:
        return [o["value"] for o in self._entry(block).get("selected_options") or []]

    def users(self, block: Block) -> list[str]:
        return list(self._entry(block).get("selected_users") or [])

    def user(self, block: Block) -> str | None:
        return self._entry(block).get("selected_user")

    def conversation(self, block: Block) -> str | None:
        return self._entry(block).get("selected_conversation")

    def date(self, block: Block) -> date | None:
        """A datepicker's day (Slack sends YYYY-MM-DD)."""
        raw = self._entry(block).get("selected_date")
        try:
            return date.fromisoformat(raw) if raw else None
        except (TypeError, ValueError):  # no day Slack's picker sends ("2026-02-30"): said on the field
            raise InvalidInput({block: f"“{str(raw)[:40]}” is not a day; pick one from the calendar."}) from None

    def time(self, block: Block) -> str | None:
        """A timepicker's time, "HH:MM" (its zone is the person's: Slack sends none)."""
        return self._entry(block).get("selected_time") or None

    def answers(self, prefix: str) -> dict[str, str | None]:
        """Every text or single choice in the view whose block_id starts with `prefix`, by the rest of its id."""
        out: dict[str, str | None] = {}
        for block_id, entries in self._values.items():
            if block_id.startswith(prefix):
                entry = entries.get(Action.INPUT, {})
                selected = entry.get("selected_option")
                out[base_block(block_id)[len(prefix):]] = selected["value"] if selected else entry.get("value")
        return out

    def number(self, block: Block) -> int | None:
        raw = self.text(block)
        return int(raw) if _digits(raw) else None


def _digits(value: str | None) -> bool:
    """ASCII digits only: "²" and "٣" are digits to str.isdigit(), and "²" is no number to int()."""
    return bool(value) and value.isascii() and value.isdigit()


def block_errors(errors: dict[str, str], blocks: dict[str, Block], present: list[str]) -> dict[str, str]:
    """Domain field errors keyed by the modal's block_ids, so Slack shows each on its field.

    An error for a field this view does not show (or about the whole form) goes on its first input,
    where the person is looking: Slack refuses errors on blocks a view lacks.
    """
    out: dict[str, str] = {}
    for field, message in errors.items():
        block = blocks.get(field, field)  # a field's name, or the block_id itself (ViewValues.date)
        target = next((p for p in present if p == block), None) or next(
            (p for p in present if base_block(p) == block), present[0])
        out[target] = (out[target] + " " if target in out else "") + message[:300]
    return out


def run_form(ack, fields: dict[str, Block], work, view: dict):
    """Run a modal's domain work; a domain error is acked as inline errors and `None` returned."""
    present = [b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input" and b.get("block_id")]
    present = present or list(fields.values())
    try:
        return work()
    except InvalidInput as err:
        ack(response_action="errors", errors=block_errors(err.errors, fields, present))
    except DomainError as err:
        ack(response_action="errors", errors={present[0]: str(err)[:300]})
    return None
