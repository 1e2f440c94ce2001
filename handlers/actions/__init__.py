"""Buttons and selects, one module per kind of action."""
from __future__ import annotations

from slack_bolt import App

from handlers.actions import (agreement_buttons, breach_buttons, coverage_buttons, home_buttons, remove_buttons,
                              requirement_buttons, upgrade_plan)


def register(app: App) -> None:
    home_buttons.register(app)
    requirement_buttons.register(app)
    agreement_buttons.register(app)
    coverage_buttons.register(app)
    remove_buttons.register(app)
    upgrade_plan.register(app)
    breach_buttons.register(app)
