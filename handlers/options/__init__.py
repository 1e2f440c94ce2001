"""Options for searching selects (Slack's external_select): Slack sends a block_suggestion with what the person typed
so far, and the listener answers at once, with at most 100 options. Registered with `@registry.options(pattern)` on
the select's action_id (messages/ids.py, Action.SEARCH_*)."""
