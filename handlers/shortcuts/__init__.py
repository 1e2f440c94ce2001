"""Global and message shortcuts, as the manifest declares them (messages.ids.SHORTCUTS), recorded with `@shortcut`."""
