"""The kinds and keys of a review's reminders: "review:<review id>:...", so a review's are found by that prefix."""
from __future__ import annotations

ATTENDEE, NOTICE, PACK, NEXT = "review.attendee", "review.notice", "review.pack", "review.next"


def key_prefix(review_id: int) -> str:
    return f"review:{review_id}:"


def attendee_key(review_id: int, user_id: str, offset: object) -> str:
    return f"review:{review_id}:attendee:{user_id}:{offset}"


def notice_key(review_id: int) -> str:
    return f"review:{review_id}:notice"


def pack_key(review_id: int) -> str:
    return f"review:{review_id}:pack"


def next_key(review_id: int) -> str:
    return f"review:{review_id}:next"
