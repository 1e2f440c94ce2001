"""Customer satisfaction (issue 17): ratings asked after a resolved ticket and after a service review, the answers,
and each SLA's figure per period beside its achievement, with the watermelon flag.

- asking: who is asked, when, and the DM queued through the outbox (the sweep of resolved tickets; after a review);
- answers: the 1-5 buttons and the optional comment, idempotent and audited (a comment as its hash only);
- figures: an SLA's figure for a period, its trend, and the flag "targets met, customer unhappy".
"""
from bot.satisfaction import answers, asking, figures
from bot.satisfaction.answers import RATINGS, comment, comment_of, rate
from bot.satisfaction.asking import ask_after_review, ask_after_tickets, decide_ticket, message_key, sampled
from bot.satisfaction.figures import WATERMELON_MEAN, WATERMELON_RULE, Figure, figure

__all__ = ["RATINGS", "WATERMELON_MEAN", "WATERMELON_RULE", "Figure", "answers", "ask_after_review",
           "ask_after_tickets", "asking", "comment", "comment_of", "decide_ticket", "figure", "figures",
           "message_key", "rate", "sampled"]
