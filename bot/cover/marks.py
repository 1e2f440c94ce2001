"""Which SLAs the 15-minute recheck must look at: a count of the changes beneath each, raised where they happen.

Every flush that adds, changes or removes something the back-to-back check reads raises `cover_recheck.marks` of
the SLAs above it, in the same transaction (so a change and its mark commit or roll back together):

- a target or a link: the SLA it belongs to, or the SLAs above the OLA or contract target;
- an agreement (its dates, status, agreed version): the SLA itself, or the SLAs above an OLA or contract;
- a calendar or a workspace setting (the hand-off allowance): every SLA of the workspace.

It listens to the session rather than being called from each write path, so that no path (a modal, the API, a
migration script, a future feature) can change a tree without the recheck hearing of it. The recheck
(`bot.cover.notices.slas_to_recheck`) reads the marks: an SLA whose count moved since its last check is checked;
the others only in a slow rotation, for what changes with time alone (the day, measurements of past periods, an
upgrade plan's due date).
"""
from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session as OrmSession

from models import Agreement, AgreementKind, Calendar, CoverRecheck, Target, TargetLink, WorkspaceSetting


def _changed(session: OrmSession) -> list[object]:
    dirty = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    return [*session.new, *dirty, *session.deleted]


def _slas_marked_by(session: OrmSession, changed: list[object]) -> tuple[set[int], set[str]]:
    """The SLA ids, and the workspaces all of whose SLAs, the changes reach."""
    teams: set[str] = set()
    agreement_ids: set[int] = set()  # agreements (of any kind) whose targets or selves changed
    leg_target_ids: set[int] = set()  # targets that may sit beneath an SLA target
    sla_target_ids: set[int] = set()
    for obj in changed:
        if isinstance(obj, (Calendar, WorkspaceSetting)):
            teams.add(obj.team_id)
        elif isinstance(obj, TargetLink):
            sla_target_ids.add(obj.sla_target_id)
        elif isinstance(obj, Target):
            if obj.agreement_id is not None:
                agreement_ids.add(obj.agreement_id)
            if obj.id is not None:
                leg_target_ids.add(obj.id)
        elif isinstance(obj, Agreement) and obj.id is not None:
            agreement_ids.add(obj.id)
    if not (agreement_ids or leg_target_ids or sla_target_ids):
        return set(), teams
    conn = session.connection()
    slas: set[int] = set()
    if agreement_ids:
        kinds = dict(conn.execute(select(Agreement.id, Agreement.kind).where(Agreement.id.in_(agreement_ids))).all())
        slas |= {aid for aid, kind in kinds.items() if kind == AgreementKind.SLA.value}
        underpinning = [aid for aid, kind in kinds.items() if kind != AgreementKind.SLA.value]
        if underpinning:
            leg_target_ids |= set(conn.execute(select(Target.id).where(Target.agreement_id.in_(underpinning))).scalars())
    if leg_target_ids:
        sla_target_ids |= set(conn.execute(select(TargetLink.sla_target_id)
                                           .where(TargetLink.leg_target_id.in_(leg_target_ids))).scalars())
    if sla_target_ids:
        slas |= set(conn.execute(select(Target.agreement_id).where(Target.id.in_(sla_target_ids))).scalars())
    return slas, teams


@event.listens_for(OrmSession, "before_flush")
def _mark_slas_above_changes(session: OrmSession, _flush_context, _instances) -> None:
    changed = [obj for obj in _changed(session)
               if isinstance(obj, (Calendar, WorkspaceSetting, TargetLink, Target, Agreement))]
    if not changed:
        return
    with session.no_autoflush:
        slas, teams = _slas_marked_by(session, changed)
        conn = session.connection()
        # An SLA without a row was never checked: the recheck looks at it anyway, so there is nothing to raise.
        if slas:
            conn.execute(update(CoverRecheck).where(CoverRecheck.sla_id.in_(sorted(slas)))
                         .values(marks=CoverRecheck.marks + 1))
        for team_id in sorted(teams):
            conn.execute(update(CoverRecheck).where(CoverRecheck.team_id == team_id)
                         .values(marks=CoverRecheck.marks + 1))
