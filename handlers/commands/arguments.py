"""Names in a command's text, typed with or without quotes: `Payroll`, `"Acme Retail"`, `“Acme Retail”`."""
from __future__ import annotations

from typing import Callable

from bot.errors import InvalidInput

QUOTES = {'"': '"', "“": "”", "”": "”", "'": "'", "‘": "’", "«": "»"}


def one_name(args: str) -> str:
    """The whole text as one name, without the quotes around it."""
    args = args.strip()
    if len(args) >= 2 and args[0] in QUOTES and args[-1] == QUOTES[args[0]]:
        return args[1:-1].strip()
    return args


def name_and_trailing(args: str, is_trailing: Callable[[str], bool]) -> tuple[str, list[str]]:
    """A name followed by words of another sort (`"Acme Payroll SLA" v1 v2`). Quoted, the quotes end the name;
    unquoted, the trailing words that `is_trailing` knows are split off the end."""
    args = args.strip()
    quoted = _leading_quoted(args)
    if quoted is not None:
        name, rest = quoted
        return name, rest.split()
    words = args.split()
    trailing: list[str] = []
    while words and is_trailing(words[-1]):
        trailing.insert(0, words.pop())
    return one_name(" ".join(words)), trailing


def _leading_quoted(args: str) -> tuple[str, str] | None:
    if not args or args[0] not in QUOTES:
        return None
    end = args.find(QUOTES[args[0]], 1)
    if end < 0:
        return None
    return args[1:end].strip(), args[end + 1:].strip()


def two_names(args: str, is_first: Callable[[str], bool], usage: str, what: str) -> tuple[str, str]:
    """Split "first second" into two names. Quoted, the quotes decide; unquoted, the first name is the
    leading words that name something that exists (`is_first`), so "Pay roll Acme Retail" needs no quotes."""
    args = args.strip()
    quoted = _leading_quoted(args)
    if quoted is not None:
        first, rest = quoted
        return first, one_name(rest)
    words = args.split()
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    known = [(a, b) for a, b in splits if is_first(a)]
    if len(known) == 1:
        first, second = known[0]
        return first, one_name(second)
    if len(known) > 1:
        raise InvalidInput({"name": f"“{args}” could be split more than one way; put the names in quotes: {usage}."})
    if len(words) < 2:
        raise InvalidInput({"name": f"Name both, like {usage}."})
    raise InvalidInput({"name": f"“{args}” does not start with the name of a {what} I know; "
                                f"check the spelling, or put the names in quotes: {usage}."})
