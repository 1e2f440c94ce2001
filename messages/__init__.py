"""Jinja2 templates for every message, modal and document the bot sends.

Block Kit templates (`templates/*.yml.j2`) render YAML: lists and loops read naturally and need no
trailing-comma tricks.

**Escaping is the default, and it is done where the value lands.** A value a template prints (`{{ name }}`)
never enters the YAML: it leaves a placeholder (a "slot"), and once the YAML is read back each slot is filled
with its value escaped for the place it stands in:
- mrkdwn (a `mrkdwn` text object, a message's `text`): Slack's &, <, > escapes and look-alikes for `*_~` and
  backticks, so nothing typed becomes a ping, a link or formatting; inside a code span of ours
  (`` `/slm map {{ name }}` ``) only what would end the span is swapped, so a copied command finds the name;
- plain_text: the value as typed (Slack shows plain_text literally, entities and all);
- anything else (ids, button values, private_metadata, numbers): the value itself.
Text of the template's own (its lines, string literals in `~` joins and `if`/`else`, `{% set %}` blocks,
macros) is ours and stays as written; a string printed on its own (`{{ "x" }}`) is escaped like a value.
The only ways to put mrkdwn through unescaped are loud filters: `|mention` (a user id), `|channel` (a channel
id), `|url` (a link's address, inside `<…|label>`), `|said` (what a person wrote in Slack: escaped, the people
it names kept as mentions; `|quoted` as a block quote), `|mentions` and `|ours` (a sentence of ours: escaped,
but mentions / suggested `/slm …` commands kept) and `|trusted` (mrkdwn built by our code). `|q` makes a
piece of template-built text one YAML value (a `{% set %}` body, a `~` join); a bare value needs nothing.
Over-long text is cut visibly (…) to Slack's limit for its field, never making the message invalid. The
environment is sandboxed, because organisations supply templates of their own.
"""
from __future__ import annotations

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from jinja2 import ChoiceLoader, PackageLoader, StrictUndefined, Template, nodes, pass_context
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from messages import ids
from messages.limits import cut_to_limits, split_long_sections
from messages.mrkdwn import (  # noqa: F401 (re-exported: the escapes are used beside the templates too)
    mrkdwn_code, mrkdwn_entities, mrkdwn_escape, mrkdwn_ours, mrkdwn_said, mrkdwn_with_mentions, visible)
from models.workspace import FORMER_PERSON

MAX_TEXT = 3000  # a section's text, Slack's limit
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: several times faster
_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate is no character (and Slack's JSON would refuse it)


# --- slots: a value's placeholder in the YAML, filled once the YAML is read ---------------------------------

_NONCE = secrets.token_hex(4)
_SLOT = re.compile(f"slot{_NONCE}n([0-9]+)e")


@dataclass(frozen=True)
class _Slot:
    kind: str   # "text" (escaped for where it lands), "trusted" (our mrkdwn, as is), "built" (template text with slots)
    value: Any


_slots: ContextVar[list[_Slot] | None] = ContextVar("template_slots", default=None)


def _slot(kind: str, value: Any) -> Markup:
    slots = _slots.get()
    if slots is None:
        raise RuntimeError("Block Kit templates render through messages.render")
    slots.append(_Slot(kind, value))
    return Markup(f"slot{_NONCE}n{len(slots) - 1}e")


class Joined(str):
    """What `~` makes: as a string, the pieces joined (for a comparison, a lookup, a call); printed, each value
    among the pieces is a slot of its own and each literal of the template's stays as written."""

    pieces: tuple

    def __new__(cls, pieces) -> "Joined":
        pieces = tuple(pieces)
        joined = super().__new__(cls, "".join("" if p is None else str(p) for p in pieces))
        joined.pieces = pieces
        return joined

    def markup(self) -> Markup:
        return Markup("".join(str(p.markup()) if isinstance(p, Joined) else str(p) if hasattr(p, "__html__")
                              else str(_slot("text", p)) for p in self.pieces))


def _finalize(value: Any) -> Any:
    """Every `{{ }}`: text of the template's own (Markup) as written, a join as one built value, any other value
    a slot."""
    if isinstance(value, Joined):
        return _slot("built", str(value.markup()))
    return value if hasattr(value, "__html__") else _slot("text", value)


def _join(value, d: str = "", attribute=None) -> Markup:
    """`|join`: the separator is the template's; each item a value (a slot) unless already built text."""
    items = [getattr(i, attribute, None) for i in value] if attribute is not None else list(value)
    return Markup(str(d).join(str(i.markup()) if isinstance(i, Joined) else str(i) if hasattr(i, "__html__")
                              else str(_slot("text", i)) for i in items))


class _SlotCodeGenerator(CodeGenerator):
    """`~` makes a `Joined`, with the template's own string literals marked as written; and a printed constant
    is evaluated when the template renders, like any value (Jinja would otherwise HTML-escape it once, here)."""

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.joined((")
        for arg in node.nodes:
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                self.write(f"Markup({arg.value!r}), ")
            else:
                self.visit(arg, frame)
                self.write(", ")
        self.write("))")

    def visit_CondExpr(self, node: nodes.CondExpr, frame) -> None:
        """`"ours" if x else "also ours"`: a literal chosen by a condition is the template's text too."""
        frame = frame.soft()

        def branch(expr) -> None:
            if isinstance(expr, nodes.Const) and isinstance(expr.value, str):
                self.write(f"Markup({expr.value!r})")
            elif expr is None:
                self.write('cond_expr_undefined("the inline if-expression evaluated to false and no else section was defined.")')
            else:
                self.visit(expr, frame)
        self.write("(")
        branch(node.expr1)
        self.write(" if ")
        self.visit(node.test, frame)
        self.write(" else ")
        branch(node.expr2)
        self.write(")")

    def _output_child_to_const(self, node, frame, finalize):
        if isinstance(node, nodes.TemplateData):
            return super()._output_child_to_const(node, frame, finalize)
        raise nodes.Impossible()


class BlockKitEnvironment(SandboxedEnvironment):
    code_generator_class = _SlotCodeGenerator
    joined = Joined


def _q(value: Any) -> Markup:
    """One YAML value: template-built text (a set body, a join) becomes a slot of its own; a value already is."""
    return _slot("built", str(value)) if isinstance(value, Markup) else _finalize(value)  # a Joined: built


def _truncate(text: Any, limit: int = MAX_TEXT) -> Any:
    """A value cut to `limit`, visibly (a reason inside a longer text). Any text is also cut to its field's
    limit where it lands, after escaping (`cut_to_limits`), so built text is left to that."""
    if hasattr(text, "__html__") or isinstance(text, Joined):
        return text
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mention(user_id: str | None) -> Markup:
    if user_id == FORMER_PERSON:  # forgotten (slm-bot forget-user): a record still says someone did it
        return Markup("a former contact")
    return _slot("trusted", f"<@{user_id}>") if user_id else Markup("someone")


def _channel(channel_id: str | None) -> Markup:
    return _slot("trusted", f"<#{channel_id}>") if channel_id else Markup("no channel")


def _slot_filter(make):
    """A filter that fills a slot: never evaluated while a template compiles (its slot would be baked in)."""
    return pass_context(lambda _context, *args, **kwargs: make(*args, **kwargs))


def _quoted(text: Any) -> str:
    """A person's message quoted as a block quote (`>` on each line), escaped like `|said`."""
    return ">" + mrkdwn_said(text).replace("\n", "\n>")


def make_environment(loader) -> SandboxedEnvironment:
    env = BlockKitEnvironment(loader=loader, undefined=StrictUndefined, autoescape=True, finalize=_finalize,
                              trim_blocks=False, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update({name: _slot_filter(make) for name, make in {
        "q": _q, "join": _join, "truncate_text": _truncate, "mention": _mention, "channel": _channel,
        "said": lambda text: _slot("trusted", mrkdwn_said(visible(_value_text(text)))),
        "quoted": lambda text: _slot("trusted", _quoted(visible(_value_text(text)))),
        "mentions": lambda text: _slot("trusted", mrkdwn_with_mentions(visible(_value_text(text)))),
        "ours": lambda text: _slot("trusted", mrkdwn_ours(visible(_value_text(text)))),
        "trusted": lambda mrkdwn: _slot("trusted", str(mrkdwn)),
        "url": lambda url: _slot("trusted", mrkdwn_entities(url).replace("|", "%7C")),
    }.items()})
    env.globals.update(ids=ids)
    return env


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    return make_environment(ChoiceLoader([PackageLoader("messages", "templates")]))


# --- filling the slots -------------------------------------------------------------------------------------

def _flatten(text: str, slots: list[_Slot]) -> str:
    """Built text's slots opened up (recursively), leaving only the slots of values and trusted mrkdwn."""
    def open_built(m: re.Match) -> str:
        slot = slots[int(m.group(1))]
        return _flatten(slot.value, slots) if slot.kind == "built" else m.group()
    return _SLOT.sub(open_built, text)


def _value_text(value: Any) -> str:
    return _SURROGATE.sub("\ufffd", "" if value is None else str(value))


def _fill_mrkdwn(text: str, slots: list[_Slot]) -> str:
    parts = text.split("`")  # odd parts: inside a code span of ours
    out = []
    for i, part in enumerate(parts):
        escape = mrkdwn_code if i % 2 else mrkdwn_escape

        def fill(m: re.Match) -> str:
            slot = slots[int(m.group(1))]
            if slot.kind == "trusted":
                return _value_text(slot.value)
            return escape(visible(_value_text(slot.value)))
        out.append(_SLOT.sub(fill, part))
    return "`".join(out)


def _fill(text: str, slots: list[_Slot], where: str) -> Any:
    """One string of the YAML with its slots filled for `where` it stands: "mrkdwn", "plain" or "value"."""
    text = _flatten(text, slots)
    if where == "value" and (whole := _SLOT.fullmatch(text)):
        value = slots[int(whole.group(1))].value
        if isinstance(value, (bool, int, float)):
            return value  # a number or a flag printed on its own stays one (max_length, optional, ...)
    if where == "mrkdwn":
        return _fill_mrkdwn(text, slots)
    shown = visible if where == "plain" else (lambda s: s)
    return _SLOT.sub(lambda m: shown(_value_text(slots[int(m.group(1))].value)), text)


def _fill_all(node: Any, slots: list[_Slot], where: str = "value") -> Any:
    if isinstance(node, dict):
        kind = node.get("type")
        out = {}
        for key, value in node.items():
            place = ("mrkdwn" if kind == "mrkdwn" else "plain" if kind == "plain_text" else where) if key == "text" \
                else "plain" if key == "initial_value" else where  # a text field shows its initial value, plain
            out[_fill_all(key, slots)] = _fill_all(value, slots, place)
        return out
    if isinstance(node, list):
        return [_fill_all(item, slots) for item in node]
    if isinstance(node, str):
        return _fill(node, slots, where)
    return node


def render(template: str, /, **context: Any) -> dict:
    """Render a Block Kit template to the dict Slack takes (a message payload or a view)."""
    return render_template(environment().get_template(template), **context)


def render_template(template: Template, /, **context: Any) -> dict:
    """Render, read the YAML, fill each slot for where it landed, and cut texts to Slack's limits."""
    slots: list[_Slot] = []
    token = _slots.set(slots)
    try:
        source = template.render(**context)
    finally:
        _slots.reset(token)
    data = yaml.load(source, Loader=_Loader)  # noqa: S506 (a safe loader)
    if not isinstance(data, dict):
        raise ValueError(f"template {template.name} did not render a mapping")
    filled = {key: _fill_all(value, slots, "mrkdwn" if key == "text" and "type" not in data else "value")
              for key, value in data.items()}
    if "blocks" in filled:  # a list's rows go on in the next section rather than being cut mid-row
        filled["blocks"] = split_long_sections(filled["blocks"], max_blocks=100 if "type" in filled else 50)
    return cut_to_limits(filled)


def render_message(template: str, /, **context: Any) -> dict:
    """A message: `text` (the notification and fallback) and `blocks`."""
    data = render(template, **context)
    data.setdefault("blocks", [])
    return data
