"""A person at the sandbox page: what they type, pick and press, found by what the page shows them."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect


class Person:
    def __init__(self, page: Page, base_url: str):
        self.page, self.base_url = page, base_url
        self.shot = page.screens

    # ---- where they are -----------------------------------------------------------------
    def open(self, user: str, channel: str = "C0GENERAL") -> "Person":
        self.page.goto(f"{self.base_url}/sandbox?user={user}&channel={channel}")
        expect(self.page.locator("#user-picker")).to_have_value(user)
        return self

    def become(self, name: str) -> None:
        """Pick who they are in the sidebar ("Bob Ops")."""
        picker = self.page.locator("#user-picker")
        value = picker.locator("option", has_text=name).first.get_attribute("value")
        with self.page.expect_response(lambda r: "/sandbox/ui/state" in r.url and f"user={value}" in r.url):
            picker.select_option(value)
        expect(picker).to_have_value(value)

    def go(self, channel: str) -> None:
        self.page.locator("#channel-list button", has_text=re.compile(rf"^\W*{re.escape(channel)}$")).click()
        expect(self.page.locator("#pane-title")).to_contain_text(channel)

    # ---- what they do -------------------------------------------------------------------
    def _acting(self, kind: str):
        return self.page.expect_response(lambda r: r.url.endswith(f"/sandbox/ui/{kind}") and r.request.method == "POST")

    def type(self, text: str) -> None:
        """Type a message or /slm command in the composer and press Enter."""
        box = self.page.locator("#composer-input")
        box.fill(text)
        with self._acting("command" if text.startswith("/") else "post") as resp:
            box.press("Enter")
        assert resp.value.json().get("ok"), resp.value.json()

    @property
    def modal(self):
        return self.page.locator("#modal-overlay .modal")

    def expect_modal(self, title: str) -> None:
        expect(self.page.locator("#modal-overlay")).to_be_visible()
        expect(self.page.locator("#modal-title")).to_have_text(re.compile("^" + re.escape(title)))

    def field(self, label: str):
        return self.page.locator("#modal-form .field").filter(
            has=self.page.locator("label", has_text=re.compile("^" + re.escape(label))))

    def fill(self, label: str, text: str) -> None:
        self.field(label).locator("input, textarea").fill(text)

    def choose(self, label: str, *options: str, redraws: bool = False) -> None:
        """Pick options (by their text) in a select; `redraws`: the select sends block_actions and the form changes."""
        select = self.field(label).locator("select")
        if redraws:
            self._redrawing(lambda: select.select_option(label=list(options) if len(options) > 1 else options[0]))
        else:
            select.select_option(label=list(options) if len(options) > 1 else options[0])

    def search(self, label: str, typed: str) -> list[dict]:
        """Type into a searching select (external_select) and wait for the options the bot answers to be listed."""
        def answered(r) -> bool:
            return (r.url.endswith("/sandbox/ui/suggest") and r.request.method == "POST"
                    and (r.request.post_data_json or {}).get("value") == typed)
        with self.page.expect_response(answered) as resp:
            self.field(label).locator("input[type=search]").fill(typed)
        data = resp.value.json()
        assert data.get("ok"), data
        return data["options"]

    def choose_containing(self, label: str, text: str, *, group: str | None = None, redraws: bool = False) -> None:
        """Pick the option whose text contains `text` (within the option group `group`)."""
        select = self.field(label).locator("select")
        scope = select.locator(f'optgroup[label^="{group}"]') if group else select
        value = scope.locator("option", has_text=text).first.get_attribute("value")
        if select.input_value() == value:  # already chosen: a browser sends nothing, and nothing redraws
            return
        if redraws:
            self._redrawing(lambda: select.select_option(value))
        else:
            select.select_option(value)

    def _redrawing(self, pick) -> None:
        """Pick, then wait until the form on screen is the bot's redraw: the answer to the click comes before the
        page has drawn the updated view, and what a person types into the old drawing is not what they submit."""
        overlay = self.page.locator("#modal-overlay")
        before = overlay.get_attribute("data-view")
        with self._acting("click") as resp:
            pick()
        assert resp.value.json().get("ok"), resp.value.json()
        expect(overlay).not_to_have_attribute("data-view", before or "")

    def menu(self, where, option: str) -> dict:
        """Open the ⋯ (overflow) menu of this line and pick an option."""
        with self._acting("click") as resp:
            where.locator("select.overflow").select_option(label=option)
        data = resp.value.json()
        assert data.get("ok"), data
        return data

    def submit(self, *, ok: bool = True) -> dict:
        with self._acting("submit") as resp:
            self.page.locator("#modal-submit").click()
        data = resp.value.json()
        if ok:
            assert data.get("ok"), data
        return data

    def message(self, text: str):
        """The last message in the channel (not a thread reply) that shows this text."""
        return self.page.locator("#messages > .msg").filter(has_text=text).last

    def press(self, where, button: str, *, kind: str = "click") -> dict:
        with self._acting(kind) as resp:
            where.get_by_role("button", name=button).click()
        data = resp.value.json()
        assert data.get("ok"), data
        return data
