"""An ack never waits for other listeners' work: Slack is answered while every work slot is busy.

A listener acks, then does its slower work in one of a bounded number of slots (bot/listener_threads.py,
handlers/guard.py). Here the only slot is held by a `/slm map` whose work cannot go on until the test lets it;
meanwhile a command, a button and a modal's submission with inline errors are each answered by their ack, and
their work follows once the slot is free. (Bolt's pool ran the whole listener, ack included, in the pool: behind
a busy pool the ack waited, and Slack got a 404 "unhandled request" after three seconds.)
"""
from __future__ import annotations

import threading

import pytest

from bot import service_map
from bot.app import Deps, create_bolt_app, create_http_app
from bot.listener_threads import ListenerThreads, ListenersBusy
from bot.sandbox.driver import SlackDriver
from bot.sandbox.objects import Message
from bot.sandbox.workspace import BOT_USER, SANDBOX_TEAM
from handlers.guard import BUSY_TEXT
from messages.ids import Action, Block
from tests.conftest import TEST_SIGNING_SECRET
from tests.servers import serving


def app_of(harness, threads: ListenerThreads, **settings):
    """The bot's HTTP app on the harness's database, clock and retries, its listeners on `threads`; `settings` changed."""
    deps = Deps(settings=harness.deps.settings.model_copy(update=settings), db=harness.deps.db, clock=harness.clock,
                slack_retry_handlers=harness.deps.slack_retry_handlers)
    return create_http_app(deps, bolt_app=create_bolt_app(deps, listener_executor=threads))


def slow_to_describe(sandbox, monkeypatch, user: str) -> tuple[threading.Event, threading.Event]:
    """Slack is slow to say who `user` is (users.info) until `release` is set, below the bot's 2 s timeout for the
    call; `asking` is set once the bot asks. Returns (asking, release)."""
    asking, release = threading.Event(), threading.Event()
    answer = sandbox.call

    def call(method, args, token):
        if method == "users.info" and args.get("user") == user:
            asking.set()
            release.wait(1.5)
        return answer(method, args, token)

    monkeypatch.setattr(sandbox, "call", call)
    return asking, release


@pytest.fixture
def one_work_slot(harness_clean):
    """The bot on its own port with one work slot; yields (driver, threads)."""
    threads = ListenerThreads(work_slots=1)
    app = app_of(harness_clean, threads)
    with serving(app) as base_url:
        driver = SlackDriver(harness_clean.sandbox, f"{base_url}/slack/events", TEST_SIGNING_SECRET)  # no waiting
        yield driver, threads
        driver.http.close()


def hold(monkeypatch, module, name: str) -> tuple[threading.Event, threading.Event]:
    """`module.name` stops when called (setting `started`) until `release` is set, then does what it did."""
    started, release = threading.Event(), threading.Event()
    original = getattr(module, name)

    def held(*args, **kwargs):
        started.set()
        release.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return started, release


@pytest.fixture
def map_held(monkeypatch):
    """`/slm map`'s work (after its ack) stops before it reads the map's page, until released. (It held
    `service_views`, which the paged map no longer calls since the lists slice: the test waited for nothing.)"""
    started, release = hold(monkeypatch, service_map, "service_page")
    yield started, release
    release.set()


def test_acks_are_answered_while_every_work_slot_is_busy(one_work_slot, map_held, sandbox):
    driver, threads = one_work_slot
    started, release = map_held
    assert driver.command("map").status == 200
    assert started.wait(10), "the map's work did not start"

    help_answer = driver.command("help")
    service_form = driver.command("service add")  # acked at once; its form opens once a slot is free

    assert help_answer.status == 200
    assert service_form.status == 200
    assert not threads.wait_idle(timeout=0.2)  # the map still holds the slot; the others wait their turn

    release.set()
    assert threads.wait_idle()
    texts = [str(response) for response in sandbox.responses]
    assert any("/slm service add" in text for text in texts)  # help's answer came after the map's
    assert sandbox.open_modal(SANDBOX_TEAM, "U0ALICE") is not None  # the form opened once the slot was free

    started.clear()
    release.clear()
    assert driver.command("map").status == 200
    assert started.wait(10)
    outcome = driver.submit(values={Block.SERVICE_NAME: "   "})  # a modal's inline errors travel in its ack
    assert outcome.errors == {Block.SERVICE_NAME: "Give the service a name."}
    release.set()
    assert threads.wait_idle()


def test_a_flood_past_the_backlog_is_answered_busy_not_queued_without_end(harness_clean, map_held, sandbox,
                                                                           monkeypatch):
    """At most `backlog` listeners are alive at once (each a thread); a request past that is told the bot is busy
    in its answer, and the bot takes requests again once the backlog has room."""
    from bot import listener_threads

    monkeypatch.setattr(listener_threads, "ROOM_WAIT_SECONDS", 0.0)  # refuse at once: no real wait in a test
    threads = ListenerThreads(work_slots=1, backlog=2)
    app = app_of(harness_clean, threads)
    started, release = map_held
    with serving(app) as base_url:
        driver = SlackDriver(harness_clean.sandbox, f"{base_url}/slack/events", TEST_SIGNING_SECRET)
        try:
            assert driver.command("map").status == 200
            assert started.wait(10)
            assert driver.command("help").status == 200  # acked; asleep until the map's slot is free
            refused = driver.command("help")
            assert refused.status == 200 and BUSY_TEXT in refused.body
            assert threading.active_count() < 50  # nothing started for it

            release.set()
            assert threads.wait_idle()
            again = driver.command("help")
            assert again.status == 200 and BUSY_TEXT not in again.body
            assert threads.wait_idle()
        finally:
            driver.http.close()


def test_acks_are_answered_while_a_home_tab_is_being_drawn(one_work_slot, sandbox, monkeypatch):
    """Drawing an App Home only reads, in a read session: on SQLite it holds no write lock, so the claim every
    command makes before its ack (handlers/replay_guard.py, a write) does not wait behind a tab being drawn.
    (Drawn in a writing session, the tab held the database's one write lock until done: every ack waited, and
    past SQLite's busy timeout failed.)"""
    from bot.reviews import home as mine

    driver, threads = one_work_slot
    started, release = hold(monkeypatch, mine, "my_snoozed")
    try:
        assert driver.open_home().status == 200
        assert started.wait(10), "the home's drawing did not start"
        assert driver.command("help").status == 200
    finally:
        release.set()
    assert threads.wait_idle()
    assert any("/slm service add" in str(response) for response in sandbox.responses)  # help was answered
    assert sandbox.home(SANDBOX_TEAM, "U0ALICE") is not None


def test_requests_past_the_dispatch_threads_are_answered_busy_not_queued(harness_clean, sandbox, monkeypatch):
    """Slack's requests are dispatched on at most LISTENER_BACKLOG threads of their own (bot/app.py); one that finds
    them all taken (here: the one waits for Slack to say who its sender is, before the ack) is answered busy at
    once, not queued until Slack has given up on it and then done anyway. (It waited, unbounded, for a thread.)"""
    from bot import listener_threads

    monkeypatch.setattr(listener_threads, "ROOM_WAIT_SECONDS", 0.0)  # refuse at once: no real wait in a test
    asking, release = slow_to_describe(sandbox, monkeypatch, "U0ALICE")
    threads = ListenerThreads(work_slots=1, backlog=4)
    app = app_of(harness_clean, threads, listener_backlog=1)  # one dispatch thread
    with serving(app) as base_url:
        driver = SlackDriver(harness_clean.sandbox, f"{base_url}/slack/events", TEST_SIGNING_SECRET)
        first: list = []
        sender = threading.Thread(target=lambda: first.append(driver.command("help", user="U0ALICE")))
        try:
            sender.start()
            assert asking.wait(10), "the first request did not ask Slack who its sender is"
            refused = driver.command("help", user="U0BOB")
            assert refused.status == 200 and BUSY_TEXT in refused.body
            home = driver.open_home(user="U0BOB")  # anything else: 503, as past the backlog (Slack sends an event again)
            assert home.status == 503
        finally:
            release.set()
            sender.join(10)
        assert first and first[0].status == 200 and BUSY_TEXT not in first[0].body
        assert threads.wait_idle()
        again = driver.command("help", user="U0BOB")
        assert again.status == 200 and BUSY_TEXT not in again.body
        assert threads.wait_idle()
        driver.http.close()


def a_message_with_a_button(sandbox, action_id: str, *, channel: str = "C0GENERAL") -> Message:
    """A message of the bot's in `channel` with one button: pressing it sends a block_actions with a response_url."""
    message = Message(channel=channel, ts=sandbox._new_ts(), user=BOT_USER, text="Add a service?", blocks=[
        {"type": "actions", "block_id": "buttons", "elements": [
            {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": "Add a service"}}]}])
    with sandbox._lock:
        sandbox.messages.append(message)
    return message


def test_a_button_is_answered_at_once_while_its_presser_is_still_being_looked_up(harness_clean, sandbox,
                                                                                   monkeypatch):
    """A button press is answered 200 the moment its signature is checked and a dispatch thread is free for it, not
    after Bolt's middleware (who pressed it: here Slack is slow to say) and its listener's ack: Slack reads nothing
    of that answer but its status. Its dispatch goes on after the answer, and wait_idle counts it from the answer
    until its work is done. (Slack heard nothing until the presser was known and the listener had acked.)"""
    asking, release = slow_to_describe(sandbox, monkeypatch, "U0BOB")
    threads = ListenerThreads(work_slots=1, backlog=4)
    app = app_of(harness_clean, threads)
    message = a_message_with_a_button(sandbox, Action.HOME_ADD_SERVICE)
    with serving(app) as base_url:
        driver = SlackDriver(harness_clean.sandbox, f"{base_url}/slack/events", TEST_SIGNING_SECRET)
        try:
            pressed = driver.click(Action.HOME_ADD_SERVICE, message=message, user="U0BOB")
            assert pressed.status == 200 and pressed.body == ""
            assert asking.wait(10), "the press's dispatch did not ask Slack who pressed it"
            assert not threads.wait_idle(timeout=0.2)  # answered, and still counted: its presser is being looked up
            assert sandbox.ephemerals("U0BOB") == []
        finally:
            release.set()
        assert threads.wait_idle()
        # Once Slack had said who it was, the press was done: Bob may not change the map, and is told so.
        assert [m.text for m in sandbox.ephemerals("U0BOB")] == [
            "Only a service manager or workspace admin can change the service map. Ask one of them, or ask a service "
            "manager or workspace admin to grant you the role."]
        driver.http.close()


class RefusalsSeen(ListenerThreads):
    """ListenerThreads that count the listeners they refuse (`refused`): a press answered before its dispatch is
    refused some time after its answer."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.refused = threading.Semaphore(0)

    def submit(self, fn, /, *args, **kwargs):
        try:
            return super().submit(fn, *args, **kwargs)
        except ListenersBusy:
            self.refused.release()
            raise


def test_a_button_past_the_backlog_is_answered_and_its_presser_told_busy(harness_clean, map_held, sandbox,
                                                                        monkeypatch):
    """A press the bot is too busy to start is still answered 200 (it was, before its dispatch), and its presser is
    told so through the payload's response_url, as an ephemeral that leaves the message alone; a press with no
    response_url (the App Home's) by DM. Nothing is done for either."""
    from bot import listener_threads

    monkeypatch.setattr(listener_threads, "ROOM_WAIT_SECONDS", 0.0)  # refuse at once: no real wait in a test
    threads = RefusalsSeen(work_slots=1, backlog=1)
    app = app_of(harness_clean, threads)
    started, release = map_held
    message = a_message_with_a_button(sandbox, Action.HOME_ADD_SERVICE)
    with serving(app) as base_url:
        driver = SlackDriver(harness_clean.sandbox, f"{base_url}/slack/events", TEST_SIGNING_SECRET)
        try:
            assert driver.open_home().status == 200
            assert threads.wait_idle()
            home = sandbox.home(SANDBOX_TEAM, "U0ALICE")
            assert driver.command("map").status == 200
            assert started.wait(10)  # the backlog's one listener is the map's

            pressed = driver.click(Action.HOME_ADD_SERVICE, message=message)
            assert pressed.status == 200 and pressed.body == ""
            from_home = driver.click(Action.HOME_ADD_SERVICE, view=home)
            assert from_home.status == 200 and from_home.body == ""
            for _press in (pressed, from_home):  # answered already: their dispatch meets the full backlog later
                assert threads.refused.acquire(timeout=10), "a press was not refused while the map held the backlog"
            release.set()
            assert threads.wait_idle()  # the busy notice counted too

            told = [r for r in sandbox.responses if r.get("text") == BUSY_TEXT]
            assert len(told) == 1  # the message's press; the home's is told by DM
            assert told[0]["response_type"] == "ephemeral" and told[0]["replace_original"] is False
            assert told[0]["token"].endswith(f".C0GENERAL.{message.ts}")
            busy = [m for m in sandbox.ephemerals("U0ALICE") if m.text == BUSY_TEXT]
            assert len(busy) == 1 and busy[0].via == "response_url"
            assert [m.text for m in sandbox.dms("U0ALICE") if m.text == BUSY_TEXT] == [BUSY_TEXT]  # the home's
            assert message.text == "Add a service?" and message.edits == 0
            assert sandbox.calls_of("views.open") == []  # nothing done for either press

            again = driver.click(Action.HOME_ADD_SERVICE, message=message)  # room again: done
            assert again.status == 200
            assert threads.wait_idle()
            assert len(sandbox.calls_of("views.open")) == 1
        finally:
            driver.http.close()


def resend_last(driver: SlackDriver):
    """What resends the last request the driver sent, byte for byte with its signature, as Slack retries it or a
    proxy copies it; `headers` adds to it (X-Slack-Retry-Num)."""
    sent = []
    driver.http.event_hooks = {"request": [sent.append], "response": []}

    def again(headers: dict | None = None):
        original = sent[-1]
        kept = {name: original.headers[name] for name in ("Content-Type", "X-Slack-Request-Timestamp",
                                                           "X-Slack-Signature")}
        return driver.http.post(driver.events_url, content=original.content, headers={**kept, **(headers or {})})
    return again


def test_an_event_refused_busy_is_handled_when_slack_sends_it_again(harness_clean, map_held, sandbox, monkeypatch):
    """A 503 claims nothing: Slack's retry of the event (the same event_id, X-Slack-Retry-Num: 1) does its work once.
    (Claimed before the listener was started, the refused event's retry was taken for a replay and dropped.)"""
    from bot import listener_threads

    monkeypatch.setattr(listener_threads, "ROOM_WAIT_SECONDS", 0.0)  # refuse at once: no real wait in a test
    threads = ListenerThreads(work_slots=1, backlog=1)
    app = app_of(harness_clean, threads)
    started, release = map_held
    with serving(app) as base_url:
        driver = SlackDriver(harness_clean.sandbox, f"{base_url}/slack/events", TEST_SIGNING_SECRET)
        again = resend_last(driver)
        try:
            assert driver.command("map").status == 200
            assert started.wait(10)
            assert driver.open_home(user="U0BOB").status == 503  # the backlog is the map's
            release.set()
            assert threads.wait_idle()
            assert sandbox.calls_of("views.publish") == []
            assert again({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}).status_code == 200
            assert threads.wait_idle()
            assert len(sandbox.calls_of("views.publish")) == 1
            assert again({"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"}).status_code == 200
            assert threads.wait_idle()
            assert len(sandbox.calls_of("views.publish")) == 1  # handled once
        finally:
            driver.http.close()


def test_copies_of_a_command_in_flight_at_once_open_one_modal(one_work_slot, map_held, sandbox):
    """Both copies are acked and wait for the work slot the map holds, neither claimed yet (the claim is taken after
    the ack): the first to claim opens the form, the other stops there."""
    driver, threads = one_work_slot
    again = resend_last(driver)
    started, release = map_held
    assert driver.command("map").status == 200
    assert started.wait(10)
    assert driver.command("service add Payroll").status == 200
    assert again().status_code == 200
    assert not threads.wait_idle(timeout=0.2)  # both copies asleep, waiting for the slot
    release.set()
    assert threads.wait_idle()
    assert len(sandbox.calls_of("views.open")) == 1
