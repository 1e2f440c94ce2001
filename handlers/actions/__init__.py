"""Buttons and selects, one module per kind of action, each recorded with `@action`."""
