"""The permission table is the only way in: no code outside bot/workspace/ decides by a role's name or Slack's admin
flag, and a person from another workspace holds no role here, for the capabilities that came late too.

The scan reads every module's syntax (as tests/test_layout.py does): `SERVICE_MANAGER in actor.roles` in a handler
or a domain service is a rule the table does not show, so it fails here; ask `can`/`require`/`sides` instead."""
from __future__ import annotations

import ast
from collections import Counter

from sqlmodel import Session, select

from models import ApiToken, AuditEvent, RoleGrant
from tests.helpers import text_of
from tests.permission_world import BOB, changed_tables, perm_world, snapshot  # noqa: F401  (a fixture)
from tests.test_layout import DOMAIN, modules

# Where roles are defined and read: the table, the people and their Slack profiles, and Slack's stand-in.
HOME = ("bot.workspace", "bot.sandbox")
ROLE_NAMES = {"service_manager", "admin"}
SLACK_ADMIN_FLAGS = {"is_admin", "is_owner"}


def by_hand(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "roles":
            found.append((node.lineno, "reads a person's roles: ask can(), require() or sides()"))
        elif isinstance(node, ast.Constant) and node.value in ROLE_NAMES | SLACK_ADMIN_FLAGS:
            found.append((node.lineno, f"names {node.value!r}: use the table's constants and rules"))
        elif isinstance(node, ast.Attribute) and node.attr in SLACK_ADMIN_FLAGS and not (
                isinstance(node.value, ast.Name) and node.value.id == "Member"):  # a query of who to tell is fine
            found.append((node.lineno, f"reads {node.attr}: admin rights come from roles_of, through the table"))
    return found


def test_no_role_is_compared_by_hand_outside_the_table():
    found = []
    for name, path in modules().items():
        if name.startswith(HOME) or not name.startswith(("bot", "handlers")):
            continue
        found += [f"{path.relative_to(path.parents[len(name.split('.')) - 1])}:{line}: {why}"
                  for line, why in by_hand(ast.parse(path.read_text(), str(path)))]
    assert found == [], "\n".join(found)


def test_the_scan_finds_what_it_looks_for():
    tree = ast.parse("if SERVICE_MANAGER in actor.roles: pass\nok = profile.get('is_admin')\nx = user.is_owner")
    assert sorted(line for line, _ in by_hand(tree)) == [1, 2, 3]


# Public domain functions that change what is on record without asking the table, each with why.
NOT_THE_TABLES = {
    "bot.requirements.records.confirm": "only the person who asked confirms their own words: not a role's to do",
    "bot.agreements.versions.new_version": "made only by draft and propose, which check (bot.agreements does not "
                                           "offer it)",
    "bot.calendars.records.for_hours": "made only while drafting from requirements or importing OpenSLO into a "
                                       "draft, each of which asks the table first",
    "bot.requirements.asks.withdraw_ask": "withdraws the asker's own ask, which was checked, when its DM failed",
}
CHECKS = {"require", "can", "sides"}


def _functions() -> dict[str, tuple[str, ast.FunctionDef]]:
    out = {}
    for name, path in modules().items():
        if name.startswith(DOMAIN) and name != "bot.workspace.permissions":
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.FunctionDef):
                    out[f"{name}.{node.name}"] = (node.name, node)
    return out


NOT_FUNCTIONS_OF_OURS = {"session", "audit"}  # session.add, audit.record: not a domain function of that name


def _called(node: ast.AST) -> set[str]:
    return {c.func.id if isinstance(c.func, ast.Name) else c.func.attr for c in ast.walk(node)
            if isinstance(c, ast.Call) and (isinstance(c.func, ast.Name) or (
                isinstance(c.func, ast.Attribute) and not (isinstance(c.func.value, ast.Name)
                                                           and c.func.value.id in NOT_FUNCTIONS_OF_OURS)))}


def test_every_domain_change_made_by_a_person_asks_the_table():
    """A public domain function that takes the person acting and writes the audit trail (a change of state) asks
    the table itself (require, can, sides), or calls a function that does: the domain is the guard, whatever
    handler calls it. Found by name across the domain, so a helper like `require_may_move` counts."""
    functions = _functions()
    names = Counter(short for short, _node in functions.values())
    guards, grew = set(CHECKS), True
    while grew:  # a helper counts by its name only where the domain has one function of that name
        found = {short for short, node in functions.values() if _called(node) & guards and names[short] == 1}
        grew, guards = not found <= guards, guards | found
    unguarded = [qualified for qualified, (short, node) in functions.items()
                 if not short.startswith("_") and any(a.arg == "actor" for a in node.args.args)
                 and any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "record"
                         and isinstance(c.func.value, ast.Name) and c.func.value.id == "audit"
                         for c in ast.walk(node))
                 and not _called(node) & guards and qualified not in NOT_THE_TABLES]
    assert unguarded == [], f"changes made without asking bot/workspace/permissions.py: {unguarded}"


MALLORY = "U0MALLORY"  # an admin of another organisation, in a channel shared with this one


def test_an_admin_of_another_workspace_holds_none_of_the_new_capabilities(slack, sandbox, db, perm_world):
    sandbox.add_user(MALLORY, "Mallory Elsewhere", team_id="T0OTHERORG", is_admin=True)
    sandbox.channels["C0GENERAL"]["members"].append(MALLORY)
    before = snapshot(db)
    for typed, rule in (("token new grafana", "make or revoke API tokens"),
                        ("alerts map payroll-api Payroll", "map alert labels to services"),
                        ("record outage", "record an outage or a ticket by hand"),
                        ("review risk Acme Payroll The carrier may slip", "propose how an SLA is reviewed"),
                        ("action new", "record an action")):
        slack.command(typed, user=MALLORY)
        # Slack Connect (issue 16): someone of another organisation uses no command here, whatever it needs.
        refused = text_of(sandbox.last_ephemeral(MALLORY))
        assert "You're from" in refused and f"only this workspace's own people can use /slm {typed.split()[0]}" in refused
        assert sandbox.open_modal(perm_world.team, MALLORY) is None
    assert changed_tables(before, snapshot(db)) == []


def test_a_role_is_never_granted_to_someone_from_another_workspace(slack, sandbox, db, perm_world):
    sandbox.add_user(MALLORY, "Mallory Elsewhere", team_id="T0OTHERORG")
    sandbox.channels["C0GENERAL"]["members"].append(MALLORY)
    slack.command(f"role grant <@{MALLORY}> service-manager", user=BOB)  # Bob is a service manager here
    assert "belongs to another workspace, so cannot hold a role in this one" in text_of(sandbox.last_ephemeral(BOB))
    with Session(db.engine) as s:
        assert s.exec(select(RoleGrant).where(RoleGrant.user_id == MALLORY)).all() == []
    slack.command("token new grafana", user=MALLORY)  # still nothing of a service manager's
    assert "only this workspace's own people can use /slm token new" in text_of(sandbox.last_ephemeral(MALLORY))
    with Session(db.engine) as s:
        assert s.exec(select(ApiToken)).all() == []


def test_a_grant_made_before_slack_said_they_belong_elsewhere_ends_at_their_next_request(slack, sandbox, db,
                                                                                        perm_world, clock):
    """Granted when nobody checked (before grants were refused): Slack's profile, read again, ends it."""
    sandbox.add_user(MALLORY, "Mallory Elsewhere", team_id="T0OTHERORG")
    sandbox.channels["C0GENERAL"]["members"].append(MALLORY)
    with db.session() as s:
        s.add(RoleGrant(team_id=perm_world.team, user_id=MALLORY, role="service_manager", created_at=clock.now(),
                        created_by=BOB))
    slack.command("token new grafana", user=MALLORY)
    assert "only this workspace's own people can use /slm token new" in text_of(sandbox.last_ephemeral(MALLORY))
    with Session(db.engine) as s:
        assert s.exec(select(ApiToken)).all() == []
        assert s.exec(select(RoleGrant).where(RoleGrant.user_id == MALLORY)).all() == []
        [ended] = s.exec(select(AuditEvent).where(AuditEvent.action == "role.revoke")).all()
    assert (ended.actor, ended.detail["user_id"], ended.detail["reason"]) == (
        "slm-bot", MALLORY, "belongs to another workspace")
