"""People of a workspace: what Slack told us of them, and the roles granted in the bot."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit
from bot.workspace.actor import Actor
from bot.errors import DomainError, InvalidInput, PermissionDenied, Person
from bot.workspace.permissions import ADMIN, SERVICE_MANAGER, Capability, require
from models import Member, RoleGrant

# Re-read a person's Slack profile (admin flag, time zone) this often: a demoted admin keeps their rights
# no longer than this (and not at all for a role grant or revoke, which reads the profile afresh).
PROFILE_TTL = timedelta(minutes=10)
BOT = "slm-bot"  # who the audit trail says made a change the bot made itself
GRANTABLE = {"service-manager": SERVICE_MANAGER, "service_manager": SERVICE_MANAGER, "sm": SERVICE_MANAGER}


def get(session: Session, team_id: str, user_id: str) -> Member | None:
    return session.exec(select(Member).where(Member.team_id == team_id, Member.user_id == user_id)).first()


def is_fresh(member: Member | None, now: datetime) -> bool:
    return member is not None and now - member.fetched_at < PROFILE_TTL


def home_team(profile: dict, team_id: str) -> str:
    """The workspace a users.info profile makes this person one of: `team_id` itself if they belong here, else their
    own. On an Enterprise Grid the profile's `team_id` is the person's home workspace, and `enterprise_user.teams`
    lists every workspace of the Grid they are a member of: a member of this one is from here, wherever their home."""
    if profile.get("team_id") == team_id or team_id in ((profile.get("enterprise_user") or {}).get("teams") or ()):
        return team_id
    return profile.get("team_id") or ""


def admin_here(profile: dict, team_id: str) -> bool:
    """Whether a users.info profile makes this person an admin of the workspace `team_id`.

    Slack's `is_admin` and `is_owner` speak of the user's own workspace (`team_id` in the profile):
    a person from another organisation in a shared channel, or from another workspace of an
    Enterprise Grid, may be an admin there and is a plain member here. Guests never are admins.
    """
    if profile.get("team_id") != team_id or profile.get("is_restricted") or profile.get("is_stranger"):
        return False
    return bool(profile.get("is_admin") or profile.get("is_owner"))


def remember(session: Session, team_id: str, user_id: str, *, name: str, tz: str, is_admin: bool, now: datetime,
             home_team: str | None = None, home_team_name: str | None = None) -> Member:
    """Store what Slack said of a person (users.info). `home_team`: the workspace Slack says they belong to; one
    from another workspace holds no role here, so a grant made to them before that was known ends now."""
    if home_team is not None and home_team != team_id:
        _end_grants(session, team_id, user_id, now)
    member = get(session, team_id, user_id) or Member(team_id=team_id, user_id=user_id, fetched_at=now)
    member.name, member.tz, member.is_admin, member.fetched_at = name, tz or "UTC", is_admin, now
    if home_team is not None:  # Slack Connect: where they belong, when another workspace (None: here)
        member.home_team = home_team if home_team != team_id else None
        if home_team_name is not None:
            member.home_team_name = home_team_name if member.home_team else ""
    try:
        with session.begin_nested():
            session.add(member)
    except IntegrityError:  # another replica stored the same person first; theirs is as good as ours
        member = get(session, team_id, user_id)
    return member


def note_elsewhere(session: Session, team_id: str, user_id: str, home_team: str, now: datetime) -> None:
    """What a signed request said when Slack would not answer users.info: this person belongs to `home_team`, another
    workspace. Kept on their row (not its fetched_at: Slack is asked again next time), and a grant made before ends."""
    member = get(session, team_id, user_id)
    if member is None or member.home_team == home_team:
        return
    _end_grants(session, team_id, user_id, now)
    member.home_team = home_team
    session.add(member)


def name_of_team(session: Session, team_id: str, home_team: str) -> str:
    """Another workspace's name as already learnt for one of its people here; "" if none."""
    return session.exec(select(Member.home_team_name).where(Member.team_id == team_id, Member.home_team == home_team,
                                                            Member.home_team_name != "").limit(1)).first() or ""


def _end_grants(session: Session, team_id: str, user_id: str, now: datetime) -> None:
    bot = Actor(team_id=team_id, user_id=BOT, now=now)  # the bot's own change, on what Slack said
    for row in session.exec(select(RoleGrant).where(RoleGrant.team_id == team_id, RoleGrant.user_id == user_id)):
        session.delete(row)
        audit.record(session, bot, "role.revoke", "member", None, user_id=user_id, role=row.role,
                     reason="belongs to another workspace")


def roles_of(session: Session, team_id: str, user_id: str, *, member: Member | None = None) -> frozenset[str]:
    """`member`: their row when the caller has just read it in this session (not read again)."""
    granted = session.exec(select(RoleGrant.role).where(RoleGrant.team_id == team_id, RoleGrant.user_id == user_id)).all()
    member = member or get(session, team_id, user_id)
    return frozenset(granted) | ({ADMIN} if member and member.is_admin else set())


def parse_role(text: str) -> str:
    role = GRANTABLE.get(text.strip().lower())
    if not role:
        raise InvalidInput({"role": f"“{text}” is not a role I know. Roles: service-manager."})
    return role


def grant(session: Session, actor: Actor, user_id: str, role: str, *, home_team: str | None = None,
          home_team_name: str = "") -> bool:
    """Grant a role; False if the person had it already. `home_team`: the workspace Slack says the person belongs
    to (users.info's team_id), when the caller asked: a person from another workspace (a shared channel, another
    workspace of a Grid) holds no role here, as they are never an admin here (`admin_here`)."""
    require(actor, Capability.GRANT_ROLES)
    if home_team is not None and home_team != actor.team_id:
        whose = f" (they're from {home_team_name}'s workspace)" if home_team_name else ""
        raise PermissionDenied(Person(user_id), f" belongs to another workspace, so cannot hold a role in this one{whose}. "
                               "Roles are for this workspace's own people.")
    exists = session.exec(select(RoleGrant).where(RoleGrant.team_id == actor.team_id, RoleGrant.user_id == user_id,
                                                  RoleGrant.role == role)).first()
    if exists:
        return False
    session.add(RoleGrant(team_id=actor.team_id, user_id=user_id, role=role, created_at=actor.at(), created_by=actor.user_id))
    audit.record(session, actor, "role.grant", "member", None, user_id=user_id, role=role,
                 after={"user_id": user_id, "role": role})
    return True


def revoke(session: Session, actor: Actor, user_id: str, role: str) -> bool:
    require(actor, Capability.GRANT_ROLES)
    row = session.exec(select(RoleGrant).where(RoleGrant.team_id == actor.team_id, RoleGrant.user_id == user_id,
                                               RoleGrant.role == role)).first()
    if not row:
        return False
    if row.user_id == actor.user_id and ADMIN not in actor.roles:
        raise DomainError("You cannot revoke your own service-manager role; ask another service manager or an admin.")
    session.delete(row)
    audit.record(session, actor, "role.revoke", "member", None, user_id=user_id, role=role,
                 before={"user_id": user_id, "role": role})
    return True


def grants(session: Session, team_id: str) -> list[RoleGrant]:
    return list(session.exec(select(RoleGrant).where(RoleGrant.team_id == team_id).order_by(RoleGrant.role, RoleGrant.user_id)))


def managers(session: Session, team_id: str) -> list[str]:
    """The service managers; the workspace admins while none is granted."""
    granted = list(session.exec(select(RoleGrant.user_id).where(RoleGrant.team_id == team_id,
                                                                RoleGrant.role == SERVICE_MANAGER)
                                .order_by(RoleGrant.user_id)))
    return granted or list(session.exec(select(Member.user_id).where(Member.team_id == team_id,
                                                                      Member.is_admin == True)  # noqa: E712
                                         .order_by(Member.user_id)))
