"""An escalation ladder as people type it (bot.breaches.ladders runs it): steps in time order, separated by
semicolons or commas, each a point and what is done there.

    50% group; 75% group manager; breach; +30m service-managers priority

A point is a percentage (1% to 100%: of a ticket's clock, or of a period's error budget), `breach` (100%), or a time
after the breach in clock minutes or hours (`+30m`, `+2 hours`). What is done: `group`, `manager`,
`service-managers` (or `managers`, `sm`), `priority`. `parse` raises ParseError in the person's words;
`canonical` is how a ladder is stored and shown. Pure: no database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing._common import ParseError
from bot.parsing.durations import Duration, format_duration, parse_duration

GROUP, MANAGER, SERVICE_MANAGERS, PRIORITY = "group", "manager", "service-managers", "priority"
ACTIONS = (GROUP, MANAGER, SERVICE_MANAGERS, PRIORITY)
# Only these words: a near miss ("groups") is refused, not guessed, as it may have meant another action.
_ALIASES = {"group": GROUP, "team": GROUP, "manager": MANAGER, "managers": SERVICE_MANAGERS,
            "service-managers": SERVICE_MANAGERS, "service-manager": SERVICE_MANAGERS, "sm": SERVICE_MANAGERS,
            "priority": PRIORITY, "raise-priority": PRIORITY}
DEFAULT = "default"  # the setting's value: the built-in ladder, today's behaviour
MAX_STEPS = 10
EXAMPLE = "50% group; 75% group manager; breach; +30m service-managers"


@dataclass(frozen=True)
class Step:
    percent: int | None  # of the clock or error budget (100: the breach); None for a step after the breach
    after: int | None    # minutes after the breach; None for a percentage step
    actions: tuple[str, ...]

    @property
    def when(self) -> str:
        if self.after is not None:
            return "+" + format_duration(Duration(minutes=self.after))
        return "breach" if self.percent == 100 else f"{self.percent}%"

    def text(self) -> str:
        return " ".join((self.when, *self.actions))


def _fail(reason: str) -> ParseError:
    return ParseError(f"{reason} Write the steps in time order, separated by semicolons, e.g. “{EXAMPLE}”.",
                              example=EXAMPLE)


def _when(word: str) -> tuple[int | None, int | None]:
    if word == "breach":
        return 100, None
    m = re.fullmatch(r"([0-9]{1,3})\s*%", word)
    if m:
        percent = int(m.group(1))
        if not 1 <= percent <= 100:
            raise _fail(f"“{word}” is not a step: a percentage is between 1% and 100% (after that, a time after "
                        "the breach such as +30m).")
        return percent, None
    if word.startswith("+"):
        try:
            duration = parse_duration(word[1:])
        except ParseError:
            raise _fail(f"“{word}” is not a time after the breach.") from None
        if duration.business or duration.business_days or not duration.minutes:
            raise _fail(f"“{word}” is not a time after the breach: give clock minutes or hours.")
        return None, duration.minutes
    raise _fail(f"“{word}” is not a step's point: give a percentage (50%), breach, or a time after the breach "
                "(+30m).")


def parse(text: str) -> tuple[Step, ...]:
    """A ladder as people type it, or ParseError in their words. Commas or semicolons separate the steps."""
    typed = " ".join((text or "").split())
    if not typed:
        raise _fail("No steps given.")
    steps: list[Step] = []
    for part in filter(None, (p.strip() for p in re.split(r"[;,\n]", typed))):
        # "50 %", "+ 30m" and "service managers" read as people write them
        said = re.sub(r"\s+%", "%", re.sub(r"\+\s+", "+", part.lower()))
        said = said.replace("service managers", "service-managers").replace("raise priority", "raise-priority")
        words = said.split()
        upto = 1
        if words[0].startswith("+"):  # a time after the breach may be words: "+2 hours", "+1h 30m"
            while upto < len(words) and words[upto] not in _ALIASES:
                upto += 1
            # the longest run of words that reads as a time; an unknown word after it is refused as an action
            upto = next((k for k in range(upto, 0, -1) if _reads_as_time(" ".join(words[1:k]), words[0][1:])),
                        upto)
        percent, after = _when(" ".join(words[:upto]))
        joined = " ".join(words[upto:])
        actions: list[str] = []
        for word in joined.replace("+", " ").replace("&", " ").replace(" and ", " ").split():
            action = _ALIASES.get(word)
            if action is None:
                raise _fail(f"“{word}” is not something a step does: write group, manager, service-managers (or "
                            "managers, sm) or priority.")
            if action not in actions:
                actions.append(action)
        if not actions and percent != 100:
            raise _fail(f"The step “{part}” does nothing: add group, manager, service-managers or priority.")
        step = Step(percent, after, tuple(actions))
        if steps and not _later(step, steps[-1]):
            raise _fail(f"The step “{step.when}” comes after “{steps[-1].when}” in the list but not in time.")
        steps.append(step)
    if len(steps) > MAX_STEPS:
        raise _fail(f"At most {MAX_STEPS} steps.")
    return tuple(steps)


def _reads_as_time(rest: str, first: str) -> bool:
    try:
        parse_duration(" ".join(filter(None, (first, rest))))
    except ParseError:
        return False
    return True


def _later(step: Step, before: Step) -> bool:
    if before.after is not None:
        return step.after is not None and step.after > before.after
    return step.after is not None or step.percent > before.percent


def canonical(steps: tuple[Step, ...]) -> str:
    return "; ".join(step.text() for step in steps)


def read_setting(text: str) -> str:
    """The workspace setting `ladder`: `default` (today's behaviour) or a ladder, canonical."""
    if (text or "").strip().lower() in (DEFAULT, "none", "today", "built-in"):
        return DEFAULT
    return canonical(parse(text))


def first_percent(steps: tuple[Step, ...] | None) -> int | None:
    return next((s.percent for s in steps or () if s.percent is not None), None)


# ---- in the customer's words, as the agreement's document states a target's ladder ---------------------------------
_TOLD = {GROUP: "the support group handling it", MANAGER: "that group's manager",
         SERVICE_MANAGERS: "the provider's service managers"}


def in_words(steps: tuple[Step, ...], *, budget: bool = False) -> list[str]:
    """Each step as the customer reads it: "at 75% of the time used: the support group handling it and that group's
    manager are told"; `priority` is "the ticket's priority is raised". `budget`: the target is a period goal
    (availability, a metric), whose steps are of its error budget, not of a ticket's time."""
    out = []
    for step in steps:
        if step.after is not None:
            point = f"{_spelled(step.after)} after the breach"
        elif step.percent == 100:
            point = "at the breach"
        else:
            point = f"at {step.percent}% of the {'error budget' if budget else 'time'} used"
        told = [_TOLD[a] for a in step.actions if a in _TOLD]
        done = []
        if told:
            done.append((", ".join(told[:-1]) + " and " + told[-1] if len(told) > 1 else told[0])
                        + (" are told" if len(told) > 1 or told[0].endswith("managers") else " is told"))
        if PRIORITY in step.actions:
            done.append("the ticket's priority is raised")
        out.append(f"{point}: {' and '.join(done) if done else 'the alert says the target is breached'}")
    return out


def _spelled(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = ([f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []) + (
        [f"{rest} minute{'s' if rest != 1 else ''}"] if rest else [])
    return " ".join(parts)
