"""The permission table is the only way in: no code outside bot/workspace/ decides by a role's name or Slack's admin
flag, and a person from another workspace holds no role here, for the capabilities that came late too.

The scan reads every module's syntax (as tests/test_layout.py does): `SERVICE_MANAGER in actor.roles` in a handler
or a domain service is a rule the table does not show, so it fails here; ask `can`/`require`/`sides` instead."""
from __future__ import annotations

import ast

from sqlmodel import Session, select

from models import ApiToken, RoleGrant
from tests.helpers import text_of
from tests.permission_world import BOB, changed_tables, perm_world, snapshot  # noqa: F401  (a fixture)
from tests.test_layout import modules

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
        assert rule in text_of(sandbox.last_ephemeral(MALLORY)), typed
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
    assert "make or revoke API tokens" in text_of(sandbox.last_ephemeral(MALLORY))
    with Session(db.engine) as s:
        assert s.exec(select(ApiToken)).all() == []
