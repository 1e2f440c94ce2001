"""Service reviews (competency 6.5): the agreed cadence, each review's reminders, pack, thread and minutes, and the
periodic review of the SLA itself."""
