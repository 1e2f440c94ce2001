"""Modal submissions, one module per modal, each recorded with `@view` (and `@action` for what redraws it)."""
