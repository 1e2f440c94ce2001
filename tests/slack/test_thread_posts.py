"""An agreement's thread goes through the once-only delivery path: a post Slack took whose answer was lost is
found in Slack, not posted again, and `/slm sla post` resumes whatever was left and says what it did."""
from __future__ import annotations

import threading
import time

from bot.delivery import deliver_pending
from bot.scheduler import run_all_once
from messages.ids import Action, Block, Callback
from tests.helpers import text_of
from tests.slack.test_agreements import (  # noqa: F401
    ALICE, CAROL, CHANNEL, NAME, acme, agreement, draft, propose, thread, versions, waive_every_gap)


def keys(messages) -> list[str]:
    return [m.metadata["event_payload"]["key"] for m in messages if m.metadata]


def files(replies) -> list[str]:
    return [f["name"] for m in replies for f in m.files]


def test_everything_in_the_thread_is_tagged_with_its_key(slack, sandbox, db, team, acme):
    headline, replies = draft(slack, sandbox, team, acme)
    [v1] = versions(db)
    assert keys([headline]) == [f"agreement:{agreement(db).id}:headline"]
    assert keys(replies) == [f"version:{v1.id}"] and files(replies) == ["acme-retail-payroll-v1.md"]
    assert v1.document_posted_at is not None


def test_a_headline_slack_took_but_never_answered_is_found_not_posted_twice(slack, sandbox, db, team, acme):
    sandbox.lose_answer_next("chat.postMessage", "drop")  # the headline reaches Slack; its answer does not come back
    slack.command("sla new Acme Retail")
    modal = sandbox.open_modal(team, ALICE)
    assert modal.callback_id == Callback.AGREEMENT_DRAFT
    assert slack.submit(modal, {Block.AGR_NAME: NAME, Block.AGR_SERVICES: [str(acme["service"])]}).ok
    told = text_of(sandbox.last_ephemeral(ALICE))
    assert "is drafted, but posting it in <#C0ACMESLA> got no answer from Slack (it may be there already" in told
    assert agreement(db).thread_ts is None

    slack.command(f"sla post {NAME}")
    headlines = [m for m in sandbox.channel_messages(CHANNEL) if m.metadata]
    assert keys(headlines) == [f"agreement:{agreement(db).id}:headline"]  # the first one, not a second
    [headline] = headlines
    assert agreement(db).thread_ts == headline.ts and agreement(db).status == "negotiating"
    assert headline.edits >= 1 and "Agree to version 1" in text_of(headline)  # kept up to date, buttons live
    replies = sandbox.channel_messages(CHANNEL, thread_ts=headline.ts)
    assert len(keys(replies)) == 1 and files(replies) == ["acme-retail-payroll-v1.md"]
    assert "Posted *Acme Retail: Payroll* in <#C0ACMESLA> for negotiation: the headline, version 1, the document of " \
           "version 1." in text_of(sandbox.last_ephemeral(ALICE))


def test_a_version_slack_took_but_never_answered_appears_once(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    sandbox.lose_answer_next("chat.postMessage", "5xx")  # Slack posted version 2, then answered 503
    assert propose(slack, sandbox, team, CAROL, {Block.PROP_DURATION: "6h", Block.PROP_REASON: "thin night shift"}).ok
    assert "Version 2 of *Acme Retail: Payroll* is recorded, but could not be posted" in text_of(
        sandbox.last_ephemeral(CAROL))
    slack.command(f"sla post {NAME}")
    _, replies = thread(sandbox)
    v1, v2 = versions(db)
    assert keys(replies) == [f"version:{v1.id}", f"version:{v2.id}"]  # "Version 2" once
    assert files(replies) == ["acme-retail-payroll-v1.md", "acme-retail-payroll-v2.md"]
    assert v2.message_ts == next(m.ts for m in replies if keys([m]) == [f"version:{v2.id}"])
    assert "Posted in the thread of *Acme Retail: Payroll* in <#C0ACMESLA>: version 2, the document of version 2." in \
        text_of(sandbox.last_ephemeral(ALICE))


def test_the_news_of_a_sign_off_is_tagged_and_posted_once_though_its_answer_was_lost(
        slack, sandbox, db, team, acme, clock, harness_clean):
    headline, _ = draft(slack, sandbox, team, acme)
    waive_every_gap(db, team)
    sandbox.lose_answer_next("chat.postMessage", "drop")
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    clock.advance(minutes=1)
    run_all_once(harness_clean.deps)  # the scheduler's next round looks before it posts again
    _, replies = thread(sandbox)
    news = [k for k in keys(replies) if k.startswith("signoff:")]
    assert len(news) == 1
    assert "agreed to version 1" in text_of(next(m for m in replies if keys([m]) == news))


def test_post_waits_for_the_scheduler_that_holds_a_version_then_attaches_its_document(
        slack, sandbox, db, team, acme, clock, harness_clean):
    draft(slack, sandbox, team, acme)
    sandbox.fail_next("chat.postMessage", 502)  # version 2 waits for the scheduler's next round
    assert propose(slack, sandbox, team, CAROL, {Block.PROP_DURATION: "6h", Block.PROP_REASON: "thin night shift"}).ok
    clock.advance(minutes=1)
    sandbox.lose_answer_next("chat.postMessage", "hang", seconds=1.0)  # the scheduler's send takes a while
    before = len(sandbox.calls)
    scheduler = threading.Thread(target=deliver_pending, args=(harness_clean.deps, harness_clean.deps.client))
    scheduler.start()
    assert _until(lambda: any(c["method"] == "chat.postMessage" for c in sandbox.calls[before:]))
    slack.command(f"sla post {NAME}")  # while the scheduler holds version 2
    scheduler.join(10)
    _, replies = thread(sandbox)
    v1, v2 = versions(db)
    assert keys(replies) == [f"version:{v1.id}", f"version:{v2.id}"]
    assert files(replies) == ["acme-retail-payroll-v1.md", "acme-retail-payroll-v2.md"]
    assert "Posted in the thread of *Acme Retail: Payroll* in <#C0ACMESLA>: version 2, the document of version 2." \
        in text_of(sandbox.last_ephemeral(ALICE))


def _until(predicate, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_thread_cut_short_after_its_headline_is_carried_on_by_the_scheduler(
        slack, sandbox, db, team, acme, clock, harness_clean):
    sandbox.lose_answer_next("chat.postMessage", "drop")  # the headline reaches Slack; the pass stops there
    slack.command("sla new Acme Retail")
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.AGR_NAME: NAME,
                                                          Block.AGR_SERVICES: [str(acme["service"])]}).ok
    assert agreement(db).thread_ts is None
    for _ in range(2):  # nobody runs `/slm sla post`: the scheduler finds the headline, then carries on below it
        clock.advance(minutes=10)
        run_all_once(harness_clean.deps)
    headline, replies = thread(sandbox)
    [v1] = versions(db)
    assert keys([headline]) == [f"agreement:{agreement(db).id}:headline"]
    assert keys(replies) == [f"version:{v1.id}"] and files(replies) == ["acme-retail-payroll-v1.md"]
    clock.advance(minutes=10)
    run_all_once(harness_clean.deps)  # a finished thread is left alone
    assert len(thread(sandbox)[1]) == len(replies)


def test_post_says_plainly_when_the_headline_is_gone_and_a_change_still_lands(slack, sandbox, db, team, acme):
    """Someone deleted the headline (or, in the sandbox, a restart emptied the channel): `/slm sla post` says so
    and where the agreement can still be read; a later change is kept, with no error about the missing headline."""
    headline, _ = draft(slack, sandbox, team, acme)
    sandbox.messages.remove(headline)
    slack.command(f"sla post {NAME}")
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "The headline of *Acme Retail: Payroll* is no longer in <#C0ACMESLA>" in said, said
    assert "`/slm sla show Acme Retail: Payroll`" in said and "went wrong" not in said
    slack.command(f"sla retire {NAME}")  # a change made after: stored, and said, with no headline to edit
    assert agreement(db).status == "retired"
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "is retired" in said and "went wrong" not in said and "failed" not in said, said
