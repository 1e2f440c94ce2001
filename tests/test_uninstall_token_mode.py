"""Token mode (one workspace, its token in the environment): an uninstall stops what the schedules queue for it
as in distributed mode, and starting the bot again (with the new token a reinstall issued) lifts that."""
from __future__ import annotations

from sqlmodel import select

from bot import jobs, outbox
from bot.cover import notices
from bot.installs.uninstall import token_mode_start
from models import Outbox, OutboxStatus, WorkspaceUninstall
from tests.conftest import START
from tests.retention_world import World


def test_an_uninstall_in_token_mode_cancels_what_is_queued_after_it(harness_clean, slack, db, team):
    assert harness_clean.deps.installs is None  # token mode
    assert slack.event({"type": "app_uninstalled", "event_ts": "1.0"}).status == 200
    harness_clean.wait_idle()
    with db.session() as s:  # as a scheduled job would queue, after the uninstall
        outbox.enqueue(s, team, "meanwhile", "C0GENERAL", "req_status.yml.j2", {"sentence": "Hello"}, START)
    jobs.deliver(harness_clean.deps)
    with db.session() as s:
        assert s.exec(select(Outbox.status).where(Outbox.key == "meanwhile")).one() == OutboxStatus.CANCELLED.value
        assert token_mode_start(s) == 1  # the bot started again, with a token: installed
    with db.session() as s:
        assert s.exec(select(WorkspaceUninstall)).all() == []
        outbox.enqueue(s, team, "again", "C0GENERAL", "req_status.yml.j2", {"sentence": "Hello"}, START)
    jobs.deliver(harness_clean.deps)
    with db.session() as s:
        assert s.exec(select(Outbox.status).where(Outbox.key == "again")).one() == OutboxStatus.SENT.value


def test_an_uninstalled_workspaces_slas_are_not_rechecked_until_it_installs_again(harness_clean, slack, db, team):
    with db.session() as s:
        sla = World(s, team, START).sla.id
    with db.session() as s:
        assert notices.slas_to_recheck(s, None, START) == [sla]  # never checked: due
    assert slack.event({"type": "app_uninstalled", "event_ts": "1.0"}).status == 200
    harness_clean.wait_idle()
    with db.session() as s:
        assert notices.slas_to_recheck(s, None, START) == []  # its loss-of-cover notices are not spent on nobody
        token_mode_start(s)
    with db.session() as s:
        assert notices.slas_to_recheck(s, None, START) == [sla]
