"""A page of a longer list: the rows shown, where they start, and how many there are in all.

Every list the bot shows reads only its page (LIMIT/OFFSET) and its count (COUNT(*)), so a workspace with ten
thousand rows answers as fast as one with ten, and the reader is told how many more there are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    offset: int
    size: int

    @property
    def more(self) -> int:
        """How many come after this page."""
        return max(0, self.total - self.offset - len(self.rows))

    @property
    def next_offset(self) -> int | None:
        return self.offset + len(self.rows) if self.more else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.size) if self.offset else None


def start(offset: int, total: int) -> int:
    """An offset asked for (a button pressed on an older page) kept within what there is now."""
    return max(0, min(offset, max(total - 1, 0)))


def count(session: Session, query) -> int:
    """COUNT(*) of what `query` selects, without reading its rows."""
    return session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()


def read(session: Session, query, offset: int, size: int) -> Page:
    """One page of `query`'s rows (it must be ordered) and how many it has in all."""
    total = count(session, query)
    offset = start(offset, total)
    rows = list(session.exec(query.offset(offset).limit(size)).all()) if total else []
    return Page(rows, total, offset, size)
