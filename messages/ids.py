"""Every Slack id the bot uses, defined once.

Templates reach these as `ids.Action.X`, `ids.Block.X`, `ids.Callback.X`; handlers
register listeners with the same members, so a renamed id cannot split the two.
"""
from __future__ import annotations

from enum import StrEnum

COMMAND = "/slm"


class Callback(StrEnum):
    """callback_id of modals and shortcuts."""

    SERVICE_FORM = "service_form"
    PARTY_FORM = "party_form"
    LINK_FORM = "link_form"


class Block(StrEnum):
    """block_id of input blocks; a modal error is shown on the block it names."""

    SERVICE_NAME = "service_name"
    SERVICE_DESCRIPTION = "service_description"
    PARTY_KIND = "party_kind"
    PARTY_NAME = "party_name"
    PARTY_DESCRIPTION = "party_description"
    PARTY_CHANNEL = "party_channel"
    CONTACTS_MANAGERIAL = "contacts_managerial"
    CONTACTS_OPERATIONAL = "contacts_operational"
    CONTACTS_SERVICE_MANAGER = "contacts_service_manager"
    CONTACTS_APPROVER = "contacts_approver"
    LINK_SERVICE = "link_service"
    LINK_PARTY = "link_party"
    LINK_COMPONENT = "link_component"
    LINK_ACTIVITIES = "link_activities"
    LINK_OTHER_ACTIVITIES = "link_other_activities"


class Action(StrEnum):
    """action_id of interactive elements. Input elements use `Action.INPUT`: the block_id says which field."""

    INPUT = "input"
    HOME_ADD_SERVICE = "home_add_service"
    HOME_ADD_PARTY = "home_add_party"
    HOME_ADD_LINK = "home_add_link"


# Shortcuts as the manifest declares them: (callback_id, name shown in Slack, "global" or "message").
SHORTCUTS: tuple[tuple[str, str, str], ...] = ()
