"""What the App Home tab shows: open actions (each with its owner and whether it is overdue), the person's own lists,
and a service manager's SLAs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ActionLine:
    number: int
    title: str
    kind: str
    owner_party: str | None
    owner_user_id: str | None
    due: str
    overdue: bool
    closable: bool


def action_lines(actions, owner_parties: dict[int, str], closable: set[int], today: date) -> list[ActionLine]:
    return [ActionLine(a.number, a.title, a.kind, owner_parties.get(a.number), a.owner_user_id, a.due.isoformat(),
                       a.due < today, a.number in closable) for a in actions]


def overdue_count(actions, today: date) -> int:
    return sum(1 for a in actions if a.due < today)


# ---- what is theirs (bot.reviews.home): each list with its "and N more" and the command listing them all -------------
@dataclass(frozen=True)
class Section:
    title: str
    lines: list[dict]   # plain fields per item; the template spells them
    more: int
    command: str | None  # lists them all, where a command does
    empty: str


def _when(at: datetime, tz: str) -> str:
    return at.astimezone(ZoneInfo(tz)).strftime("%a %d %b %Y %H:%M")


def sections(mine: dict, tz: str) -> list[Section]:
    """The person's lists from bot.reviews.home, in the order the tab shows them (actions are drawn apart, with their
    buttons)."""
    b, r, s, w = mine["breaches"], mine["reviews"], mine["snoozed"], mine["awaiting"]
    return [
        Section("Breach alerts open in your groups",
                [{"state": x.state, "agreement": x.agreement, "summary": x.summary[:150], "ticket": x.ticket_ref,
                  "since": _when(x.opened_at, tz)} for x in b.items], b.more, None, "None open."),
        Section("SLAs awaiting your agreement",
                [{"name": x.name, "version": x.version, "sides": " and ".join(x.sides), "link": x.link}
                 for x in w.items], w.more, "/slm sla list", "None waits for you."),
        Section("Reviews coming up",
                [{"agreement": x.agreement, "when": _when(x.at, tz), "format": x.format, "channel": x.channel_id}
                 for x in r.items], r.more, None, "None you attend."),
        Section("Reminders you snoozed",
                [{"kind": reminder_words(x.kind), "when": _when(x.until, tz)} for x in s.items], s.more, None,
                "None snoozed."),
    ]


def my_action_lines(listed, user_id: str) -> list[ActionLine]:
    """Their own actions (bot.reviews.home.MyAction): each with its Done, since an owner closes their own."""
    return [ActionLine(a.number, a.title, a.status.replace("_", " "), None, user_id, a.due.isoformat(), a.overdue,
                       True) for a in listed.items]


REMINDER_WORDS = {"review.attendee": "Review reminder", "review.notice": "Review notice"}


def reminder_words(kind: str) -> str:
    return REMINDER_WORDS.get(kind, kind.replace(".", " ").replace("_", " ").capitalize())


def sla_rows(listed, tz: str) -> list[dict]:
    return [{"name": x.name, "status": x.status, "compliance": x.compliance, "cover": x.cover, "link": x.link,
             "next_review": _when(x.next_review, tz) if x.next_review else None, "sla_review": x.sla_review}
            for x in listed.items]
