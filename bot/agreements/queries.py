"""Reading agreements: one by id or by name, the list, a version, its services, targets and sign-offs.

Also the row lock that makes proposing and agreeing take turns, and the versions a thread has yet to show.
"""
from __future__ import annotations

from sqlmodel import Session, select

from bot import paging, service_map
from bot.errors import Command, InvalidInput, NotFound
from bot.workspace.actor import Actor
from models import Agreement, AgreementKind, Party, AgreementService, AgreementStatus, AgreementVersion, Service, Signoff, Target
from models.base import name_key


def get(session: Session, team_id: str, agreement_id: int) -> Agreement:
    row = session.get(Agreement, agreement_id)
    if row is None or row.team_id != team_id:
        raise NotFound("That agreement no longer exists.")
    return row


def by_name(session: Session, team_id: str, name: str, kind: AgreementKind | None = None) -> Agreement:
    if not name.strip():
        what = kind.noun if kind else "agreement"
        known = "".join(str(part) for part in known_names(session, team_id, kind))
        raise InvalidInput({"name": f"Name the {what} after the command. Known: {known}."})
    q = select(Agreement).where(Agreement.team_id == team_id, Agreement.name_key == name_key(name))
    row = session.exec(q).first()
    if row is None or (kind and row.kind != kind.value):
        what = kind.noun if kind else "agreement"
        raise NotFound(f"There is no {what} called “{name}”. Known: ", *known_names(session, team_id, kind), ".")
    return row


def list_agreements(session: Session, team_id: str, kind: AgreementKind | None = None) -> list[Agreement]:
    q = select(Agreement).where(Agreement.team_id == team_id)
    if kind:
        q = q.where(Agreement.kind == kind.value)
    return list(session.exec(q.order_by(Agreement.name_key)))


def known_names(session: Session, team_id: str, kind: AgreementKind | None = None,
                shown: int = 20) -> tuple[str | Command, ...]:
    """The first `shown` agreements' names, and how many more there are, as an error's parts: "A, B …and 480
    more (`/slm sla list`)"."""
    q = select(Agreement.name).where(Agreement.team_id == team_id)
    if kind:
        q = q.where(Agreement.kind == kind.value)
    page = paging.read(session, q.order_by(Agreement.name_key), 0, shown)
    listed = ", ".join(page.rows) or "none yet"
    if not page.more:
        return (listed,)
    return f"{listed} …and {page.more} more (", Command(kind.value if kind else "sla", "list"), ")"


def is_named(session: Session, team_id: str, name: str, kind: AgreementKind) -> bool:
    """Whether `name` names an agreement of `kind`: how a command tells where an agreement's name ends."""
    try:
        by_name(session, team_id, name, kind)
    except NotFound:
        return False
    return True


def names_known(session: Session, team_id: str, keys: list[str], kind: AgreementKind) -> set[str]:
    """Which of these name keys name an agreement of `kind` (one query, however many agreements there are)."""
    if not keys:
        return set()
    return set(session.exec(select(Agreement.name_key).where(Agreement.team_id == team_id, Agreement.kind == kind.value,
                                                             Agreement.name_key.in_(keys))))


def list_page(session: Session, team_id: str, kind: AgreementKind, offset: int, size: int) -> paging.Page:
    """A page of one kind's agreements by name, each with its counterparty: (Agreement, Party) rows."""
    q = (select(Agreement, Party).join(Party, Party.id == Agreement.counterparty_id)
         .where(Agreement.team_id == team_id, Agreement.kind == kind.value).order_by(Agreement.name_key))
    return paging.read(session, q, offset, size)


def version(session: Session, agreement: Agreement, number: int | None = None) -> AgreementVersion:
    number = number or agreement.latest_version
    row = session.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == agreement.id,
                                                      AgreementVersion.number == number)).first()
    if row is None:
        raise NotFound(f"{agreement.name} has no version {number}; its versions run from 1 to {agreement.latest_version}.")
    return row


def services_of(session: Session, agreement: Agreement) -> list[Service]:
    q = (select(Service).join(AgreementService, AgreementService.service_id == Service.id)
         .where(AgreementService.agreement_id == agreement.id).order_by(Service.name_key))
    return list(session.exec(q))


def targets_of(session: Session, agreement: Agreement, *, include_retired: bool = False) -> list[Target]:
    q = select(Target).where(Target.agreement_id == agreement.id)
    if not include_retired:
        q = q.where(Target.retired == False)  # noqa: E712  (SQL comparison)
    return sorted(session.exec(q), key=lambda t: int(t.key[1:]))


def signoffs(session: Session, agreement: Agreement, number: int | None = None) -> list[Signoff]:
    q = select(Signoff).where(Signoff.agreement_id == agreement.id)
    if number is not None:
        q = q.where(Signoff.version == number)
    return list(session.exec(q.order_by(Signoff.created_at, Signoff.id)))


def counterparty_roles(session: Session, actor: Actor, agreement: Agreement) -> set[str]:
    """The contact roles the counterparty gives this person: recognised by user id and workspace (Slack Connect)."""
    return service_map.contact_roles(session, actor, agreement.counterparty_id)


def lock(session: Session, agreement: Agreement) -> Agreement:
    """Hold the agreement's row until the unit of work ends, and read it afresh.

    Two replicas agreeing or proposing at the same moment then take turns: version numbers, target keys
    and the two sides' sign-offs never race (PostgreSQL row lock; SQLite has one writer at a time anyway).
    """
    return session.exec(select(Agreement).where(Agreement.id == agreement.id).with_for_update()
                        .execution_options(populate_existing=True)).one()


def unfinished_versions(session: Session, agreement: Agreement) -> list[AgreementVersion]:
    """Versions not yet in the thread, or whose document is not yet attached below them, in order."""
    return list(session.exec(select(AgreementVersion).where(
        AgreementVersion.agreement_id == agreement.id,
        (AgreementVersion.message_ts.is_(None)) | (AgreementVersion.document_posted_at.is_(None)))
        .order_by(AgreementVersion.number)))


def unfinished_threads(session: Session, limit: int = 50) -> list[tuple[str, int]]:
    """(team, agreement) of threads whose headline is posted but a version or a document below it is not: a pass
    cut short by a restart or an outage, for the scheduler to carry on. Oldest first, `limit` a round."""
    unfinished = select(AgreementVersion.agreement_id).where(
        (AgreementVersion.message_ts.is_(None)) | (AgreementVersion.document_posted_at.is_(None)))
    rows = session.exec(select(Agreement.team_id, Agreement.id).where(
        Agreement.thread_ts.is_not(None), Agreement.status != AgreementStatus.RETIRED.value,
        Agreement.id.in_(unfinished)).order_by(Agreement.id).limit(limit))
    return [(team_id, agreement_id) for team_id, agreement_id in rows]


