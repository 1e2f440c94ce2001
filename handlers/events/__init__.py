"""Slack events, one module per event, each recorded with `@event`; the manifest subscribes to exactly those."""
