"""Admin rights count only for the workspace that granted them, and only while Slack still says so."""
from __future__ import annotations


from sqlmodel import Session, select

from messages.ids import Callback
from models import RoleGrant
from tests.helpers import text_of

ALICE, BOB = "U0ALICE", "U0BOB"
MALLORY = "U0MALLORY"  # an admin of another organisation, in a channel shared with this one


def grants(db) -> list[tuple[str, str]]:
    with Session(db.engine) as s:
        return [(g.user_id, g.role) for g in s.exec(select(RoleGrant).order_by(RoleGrant.id))]


def test_an_admin_of_another_workspace_holds_no_role_here(slack, sandbox, db, team):
    """Not even a member's (Slack Connect, issue 16): someone of another organisation sees nothing of this one's."""
    sandbox.add_user(MALLORY, "Mallory Elsewhere", team_id="T0OTHERORG", is_admin=True)
    sandbox.channels["C0GENERAL"]["members"].append(MALLORY)
    slack.command(f"role grant <@{MALLORY}> service-manager", user=MALLORY)
    assert "only this workspace's own people can use /slm role grant" in text_of(sandbox.last_ephemeral(MALLORY))
    assert grants(db) == []
    slack.command("service add Payroll", user=MALLORY)
    assert sandbox.open_modal(team, MALLORY) is None
    assert "only this workspace's own people can use /slm service add" in text_of(sandbox.last_ephemeral(MALLORY))


def test_an_owner_of_another_workspace_is_a_plain_member_here(slack, sandbox, db, team):
    user = sandbox.add_user(MALLORY, "Mallory Elsewhere", team_id="T0OTHERORG")
    user["is_owner"] = True
    sandbox.channels["C0GENERAL"]["members"].append(MALLORY)
    slack.command(f"role grant <@{MALLORY}> service-manager", user=MALLORY)
    assert grants(db) == []


def test_a_demoted_admin_cannot_grant_even_while_the_profile_is_cached(slack, sandbox, db, team):
    slack.command("roles")  # Alice's profile is read (admin) and kept for a few minutes
    sandbox.users[ALICE]["is_admin"] = False  # a workspace owner demotes her in Slack
    slack.command(f"role grant <@{BOB}> service-manager")
    assert "Only a service manager or workspace admin can grant or revoke roles" in text_of(sandbox.last_ephemeral(ALICE))
    assert grants(db) == []


def test_a_demoted_admin_cannot_revoke(slack, sandbox, db, team):
    slack.command(f"role grant <@{BOB}> service-manager")
    assert grants(db) == [(BOB, "service_manager")]
    sandbox.users[ALICE]["is_admin"] = False
    slack.command(f"role revoke <@{BOB}> service-manager")
    assert grants(db) == [(BOB, "service_manager")]


def test_a_grant_asks_slack_afresh(slack, sandbox, db, team):
    slack.command("roles")
    def alices() -> int:  # (Bob's profile is read too: to know he belongs to this workspace)
        return len([c for c in sandbox.calls_of("users.info") if c["args"]["user"] == ALICE])

    before = alices()
    slack.command(f"role grant <@{BOB}> service-manager")
    assert alices() == before + 1  # not the cached flag
    assert grants(db) == [(BOB, "service_manager")]


def test_when_slack_cannot_confirm_the_rights_nothing_is_granted(slack, sandbox, db, team):
    slack.command("roles")
    sandbox.fail_next("users.info", 500, times=5)
    slack.command(f"role grant <@{BOB}> service-manager")
    assert "could not check your rights with Slack" in text_of(sandbox.last_ephemeral(ALICE))
    assert grants(db) == []


def test_admin_rights_are_read_again_within_minutes(slack, sandbox, team, clock):
    slack.command("roles")
    sandbox.users[ALICE]["is_admin"] = False
    clock.advance(minutes=11)
    slack.command("service add Payroll")
    assert sandbox.open_modal(team, ALICE) is None
    assert "can change the service map" in text_of(sandbox.last_ephemeral(ALICE))
    sandbox.users[ALICE]["is_admin"] = True  # promoted again: rights return as soon as the profile is read
    clock.advance(minutes=11)
    slack.command("service add Payroll")
    assert sandbox.open_modal(team, ALICE).callback_id == Callback.SERVICE_FORM


def test_a_grid_member_of_this_workspace_from_another_home_keeps_the_role(slack, sandbox, db, team, clock):
    user = sandbox.add_user("U0GRETA", "Greta Grid", team_id="T0HOMEWS")  # her home workspace is another of the Grid
    user["enterprise_user"] = {"id": "U0GRETA", "enterprise_id": "E0GRID", "enterprise_name": "Grid",
                               "is_admin": False, "is_owner": False, "teams": ["T0HOMEWS", team]}
    sandbox.channels["C0GENERAL"]["members"].append("U0GRETA")
    slack.command("role grant <@U0GRETA> service-manager")
    assert grants(db) == [("U0GRETA", "service_manager")]
    for _ in range(2):  # her profile read afresh, twice, with the clock past the profile's lifetime
        clock.advance(minutes=11)
        slack.command("roles", user="U0GRETA")
    assert grants(db) == [("U0GRETA", "service_manager")]


def test_refusals_and_the_roles_list_name_who_can_really_grant(slack, sandbox, db, team):
    slack.command("service add Payroll", user=BOB)
    shown = text_of(sandbox.last_ephemeral(BOB))
    assert "ask a service manager or workspace admin to grant you the role" in shown, shown
    slack.command("roles")
    assert "A service manager or workspace admin can grant one" in text_of(sandbox.last_ephemeral(ALICE))
