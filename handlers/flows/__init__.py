"""Flows: conversations with Slack that outlive one request, shared by several listeners.

A listener answers one request and is done. A flow is a piece of Slack conversation
that several listeners (and the scheduler) carry on step by step, keeping a message
up to date in place: the negotiation thread of an agreement (agreement_thread.py) and
the DM that asks a requester to confirm what was recorded (requirement_dm.py). Flows
register no listeners; listeners and jobs call them. Like listeners, they talk to
Slack and call the domain; the domain never calls them.
"""
