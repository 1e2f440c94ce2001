"""The HTTP API under /api/v1/: what senders (monitoring, ticket tools, Alertmanager) post to the bot."""
