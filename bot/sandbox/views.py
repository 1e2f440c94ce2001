"""Modals and the App Home in the Slack stand-in: trigger ids (used once, within Slack's three seconds), the
modal stack (three deep at most), views.open/push/update/publish, and what tests and the web page read of them.

A mixin of `workspace.SlackSandbox`: it keeps its state in the sandbox's `views`, `modal_stacks`, `home_views` and
`triggers` (made by `reset`), under the sandbox's `_lock`; `SlackSandbox._dispatch` finds its `_views_*` methods.
"""
from __future__ import annotations

import json
import secrets
import time

from bot.sandbox.objects import ApiError, OpenView, validate_view

TRIGGER_TTL_SECONDS = 3.0  # Slack's trigger_ids expire after three seconds
VIEW_STACK_LIMIT = 3


class ViewMethods:
    def mint_trigger(self, team_id: str, user_id: str) -> str:
        with self._lock:
            # Unique across restarts too, as Slack's are: the bot takes a trigger_id it saw before for a replay.
            trigger = f"{next(self._ids)}.{secrets.token_hex(6)}.{team_id}.sandboxtrigger"
            self.triggers[trigger] = (team_id, user_id, time.monotonic())
            return trigger

    def open_modal(self, team_id: str, user_id: str) -> OpenView | None:
        stack = self.modal_stacks.get((team_id, user_id)) or []
        return self.views[stack[-1]] if stack else None

    def modal_stack(self, team_id: str, user_id: str) -> list[OpenView]:
        return [self.views[v] for v in self.modal_stacks.get((team_id, user_id), [])]

    def home(self, team_id: str, user_id: str) -> OpenView | None:
        vid = self.home_views.get((team_id, user_id))
        return self.views.get(vid) if vid else None

    def close_modals(self, team_id: str, user_id: str, *, all_views: bool = True) -> None:
        with self._lock:
            stack = self.modal_stacks.get((team_id, user_id), [])
            if all_views:
                stack.clear()
            elif stack:
                stack.pop()

    def _view(self, args: dict) -> dict:
        view = args["view"]
        if isinstance(view, str):
            try:
                view = json.loads(view)
            except ValueError:
                raise ApiError("invalid_arguments", ["[ERROR] failed to parse view JSON"]) from None
        validate_view(view)
        self._name_blocks(view.get("blocks", []))
        return view

    def _use_trigger(self, trigger_id: str) -> tuple[str, str]:
        found = self.triggers.pop(trigger_id, None)
        if not found:
            raise ApiError("invalid_trigger_id")
        team_id, user_id, at = found
        if time.monotonic() - at > TRIGGER_TTL_SECONDS:
            raise ApiError("expired_trigger_id")
        return team_id, user_id

    def _new_view(self, team_id: str, user_id: str, view: dict, **links) -> OpenView:
        ov = OpenView(id=self._next_id("V"), team_id=team_id, user_id=user_id, view=view,
                      hash=f"{time.time():.6f}.{next(self._ids)}", **links)
        self.views[ov.id] = ov
        return ov

    def _views_open(self, args: dict) -> dict:
        view = self._view(args)
        if view.get("type") != "modal":
            raise ApiError("invalid_arguments", ["[ERROR] views.open takes a modal view"])
        team_id, user_id = self._use_trigger(args.get("trigger_id") or args.get("interactivity_pointer"))
        ov = self._new_view(team_id, user_id, view)
        self.modal_stacks[(team_id, user_id)] = [ov.id]
        return {"view": ov.as_payload()}

    def _views_push(self, args: dict) -> dict:
        view = self._view(args)
        team_id, user_id = self._use_trigger(args.get("trigger_id") or args.get("interactivity_pointer"))
        stack = self.modal_stacks.get((team_id, user_id)) or []
        if not stack:
            raise ApiError("not_found", ["[ERROR] there is no open modal to push onto"])
        if len(stack) >= VIEW_STACK_LIMIT:
            raise ApiError("push_limit_reached")
        ov = self._new_view(team_id, user_id, view, root_view_id=stack[0], previous_view_id=stack[-1])
        stack.append(ov.id)
        return {"view": ov.as_payload()}

    def _views_update(self, args: dict) -> dict:
        view = self._view(args)
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next((v.id for v in self.views.values() if v.view.get("external_id") == args["external_id"]), None)
        if not view_id:
            raise ApiError("invalid_arguments", ["[ERROR] view_id or external_id is required"])
        ov = self.views.get(view_id)
        if not ov:
            raise ApiError("not_found")
        if args.get("hash") and args["hash"] != ov.hash:
            raise ApiError("hash_conflict")
        ov.view = view
        ov.hash = f"{time.time():.6f}.{next(self._ids)}"
        return {"view": ov.as_payload()}

    def _views_publish(self, args: dict) -> dict:
        view = self._view(args)
        if view.get("type") != "home":
            raise ApiError("invalid_arguments", ["[ERROR] views.publish takes a home view"])
        user_id = args["user_id"]
        if user_id not in self.users:
            raise ApiError("user_not_found")
        team_id = self.users[user_id]["team_id"]
        existing = self.home(team_id, user_id)
        if existing:
            existing.view = view
            return {"view": existing.as_payload()}
        ov = self._new_view(team_id, user_id, view)
        self.home_views[(team_id, user_id)] = ov.id
        return {"view": ov.as_payload()}
