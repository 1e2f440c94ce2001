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
    REQ_WHO = "req_who"              # step 1 of recording a requirement: which service, which customer, who
    REQ_TOPICS = "req_topics"        # interview step 2: what the person wants to talk about
    REQ_DETAILS = "req_details"      # interview step 3: the questions for those topics
    REQ_QUOTE = "req_quote"          # a quoted message, step 2: what kind of requirement, and its target
    REQ_CORRECT = "req_correct"
    REQ_DECLINE = "req_decline"
    AGREEMENT_DRAFT = "agreement_draft"
    AGREEMENT_PROPOSE = "agreement_propose"
    CALENDAR_FORM = "calendar_form"
    UNDERPIN_FORM = "underpin_form"
    WAIVE_FORM = "waive_form"
    ACTION_FORM = "action_form"
    BREACH_REMEDIAL_FORM = "breach_remedial_form"  # a breach alert's "Create remedial action"
    RECORD_MEASUREMENT = "record_measurement"  # /slm record: an outage or a ticket, by hand
    REVIEW_CADENCE_FORM = "review_cadence_form"    # the service manager proposes how the SLA is reviewed
    REVIEW_COUNTER_FORM = "review_counter_form"    # the customer's approver counters it
    REVIEW_NOTE_FORM = "review_note_form"          # a thread message recorded as a decision or an action
    REVIEW_CLOSE_FORM = "review_close_form"        # "Close review": attendance, then the minutes
    REVIEW_RISK_FORM = "review_risk_form"          # a known risk for the coming period
    SLA_REVIEW_FORM = "sla_review_form"            # the periodic SLA review's outcome, with why
    # Issue 13, actions slice: `/slm action new`, and the closing note of Done… / Cancel…
    ACTION_NEW_FORM = "action_new_form"
    ACTION_CLOSE_FORM = "action_close_form"
    # Issue 17, satisfaction: the optional comment behind a rating DM's "Add a comment"
    SATISFACTION_COMMENT_FORM = "satisfaction_comment_form"
    # issue 17, suppliers: a dispute's closing outcome
    DISPUTE_CLOSE_FORM = "dispute_close_form"
    SHORTCUT_RECORD_REQUIREMENT = "record_requirement"
    SHORTCUT_REQUIREMENT_FROM_MESSAGE = "requirement_from_message"
    SHORTCUT_REVIEW_NOTE = "review_note"           # on a review thread's message: a decision, or a remedial action
    # Issue 17, complaints slice: `/slm complaint`, *Record as complaint*, and a listed complaint's Answer… / Close…
    COMPLAINT_FORM = "complaint_form"
    COMPLAINT_ANSWER_FORM = "complaint_answer_form"
    COMPLAINT_CLOSE_FORM = "complaint_close_form"
    SHORTCUT_COMPLAINT_FROM_MESSAGE = "complaint_from_message"


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
    # Requirement forms: the block_id is "req_" + the field name the domain uses (bot.requirements).
    REQ_SERVICE = "req_service"
    REQ_CUSTOMER = "req_customer"
    REQ_ROLE = "req_role"
    REQ_TOPICS = "req_topics"
    REQ_PRIORITY = "req_priority"
    REQ_CATEGORY = "req_category"
    REQ_STATEMENT = "req_statement"
    REQ_TARGET = "req_target"
    REQ_LEVEL = "req_level"
    REQ_PERIOD = "req_period"
    REQ_SERVICE_HOURS = "req_service_hours"
    REQ_REASON = "req_reason"
    REQ_OUTCOME = "req_outcome"
    REQ_CRITICALITY = "req_criticality"
    REQ_HOURS_NEEDED = "req_hours_needed"
    REQ_OUTAGE_COST = "req_outage_cost"
    REQ_GOOD = "req_good"
    REQ_AVAILABILITY = "req_availability"
    REQ_AVAILABILITY_PERIOD = "req_availability_period"
    REQ_VOLUMES = "req_volumes"
    REQ_PEAKS = "req_peaks"
    REQ_P1_RESPONSE = "req_p1_response"
    REQ_P1_RESOLUTION = "req_p1_resolution"
    REQ_P2_RESPONSE = "req_p2_response"
    REQ_P2_RESOLUTION = "req_p2_resolution"
    REQ_P3_RESPONSE = "req_p3_response"
    REQ_P3_RESOLUTION = "req_p3_resolution"
    REQ_P4_RESPONSE = "req_p4_response"
    REQ_P4_RESOLUTION = "req_p4_resolution"
    REQ_SUPPORT_HOURS = "req_support_hours"
    REQ_MAINTENANCE = "req_maintenance"
    REQ_REPORTING = "req_reporting"
    REQ_REPORTING_FREQUENCY = "req_reporting_frequency"

    # Agreement drafts: "agr_" + the field name in bot.agreements.DraftInput.
    AGR_NAME = "agr_name"
    AGR_COUNTERPARTY = "agr_counterparty"
    AGR_SERVICES = "agr_services"
    AGR_START = "agr_start"
    AGR_END = "agr_end"
    AGR_REVIEW_MONTH = "agr_review_month"
    AGR_CHANNEL = "agr_channel"
    AGR_CONTRACT_REF = "agr_contract_ref"
    AGR_NOTICE_DAYS = "agr_notice_days"
    AGR_RENEWAL_DATE = "agr_renewal_date"
    AGR_WORKLOAD_LIMITS = "agr_workload_limits"  # issue 17: an SLA's workload limits, one a line, in version 1
    # Proposals: "prop_" + the field name in bot.targets' changes.
    PROP_CHANGE = "prop_change"
    PROP_KIND = "prop_kind"
    PROP_LEVEL = "prop_level"
    PROP_DURATION = "prop_duration"
    PROP_GOAL = "prop_goal"
    PROP_PERIOD = "prop_period"
    PROP_METRIC_NAME = "prop_metric_name"
    PROP_THRESHOLD = "prop_threshold"
    PROP_CALENDAR = "prop_calendar"
    PROP_WARNING_PERCENT = "prop_warning_percent"
    PROP_SERVICE_CREDIT = "prop_service_credit"
    PROP_CLAUSE_TEXT = "prop_clause_text"
    PROP_START = "prop_start"
    PROP_END = "prop_end"
    PROP_REVIEW_MONTH = "prop_review_month"
    PROP_REASON = "prop_reason"
    PROP_LIMIT = "prop_limit"  # issue 17, workload: a workload limit proposed as the SLA's next version
    # Calendars: "cal_" + the field name in bot.calendar_records.add.
    CAL_NAME = "cal_name"
    CAL_HOURS = "cal_hours"
    CAL_HOLIDAYS_COUNTRY = "cal_holidays_country"
    CAL_HOLIDAYS_SUBDIV = "cal_holidays_subdiv"
    CAL_CLOSURES = "cal_closures"
    # Back-to-back: "cov_" + the field name in bot.coverage.
    COV_SLA_TARGET = "cov_sla_target"
    COV_LEG_TARGET = "cov_leg_target"
    COV_STAGE = "cov_stage"
    COV_REASON = "cov_reason"
    COV_TITLE = "cov_title"
    COV_OWNER_PARTY = "cov_owner_party"
    COV_OWNER_USER = "cov_owner_user"
    COV_DUE = "cov_due"
    COV_PLAN = "cov_plan"
    BREACH_TARGET = "breach_target"  # the target a remedial action should improve
    # /slm record: "rec_" + the field name in bot.measurements.manual.ManualRecord.
    REC_WHAT = "rec_what"
    REC_SERVICE = "rec_service"
    REC_REFERENCE = "rec_reference"
    REC_PRIORITY = "rec_priority"
    REC_GROUP = "rec_group"
    REC_IMPACT = "rec_impact"
    REC_START_DATE = "rec_start_date"
    REC_START_TIME = "rec_start_time"
    REC_END_DATE = "rec_end_date"
    REC_END_TIME = "rec_end_time"
    REC_SUMMARY = "rec_summary"
    # A review's thread (slice H4): a message recorded as a decision or an action (whose owner, due date and target
    # use the COV_OWNER_*, COV_DUE and BREACH_TARGET blocks), and the attendance confirmed at closing.
    REVIEW_NOTE_KIND = "review_note_kind"
    REVIEW_NOTE_TEXT = "review_note_text"
    REVIEW_ATTENDED = "review_attended"

    # The review cadence form (slice H1): proposing or countering how an SLA is reviewed.
    RC_FREQUENCY = "rc_frequency"
    RC_FORMAT = "rc_format"
    RC_USERS = "rc_users"
    RC_PARTIES = "rc_parties"
    RC_REMINDERS = "rc_reminders"
    RC_CHANNEL = "rc_channel"
    RC_WHY = "rc_why"
    SLAREV_WHY = "slarev_why"  # the periodic SLA review's outcome: why (required to renegotiate or retire)
    # Issue 13, actions slice: a new action's description and SLA, and an action's closing note.
    ACTION_DESCRIPTION = "action_description"
    ACTION_SLA = "action_sla"
    ACTION_NOTE = "action_note"
    # issue 17, suppliers: how a dispute ended
    DISPUTE_OUTCOME = "dispute_outcome"

    SAT_COMMENT = "sat_comment"  # issue 17: the comment on a satisfaction rating
    # Issue 17, complaints slice: the party's relationship owner, and the complaint forms ("complaint_" + the field
    # name in bot.complaints.ComplaintInput, and the answer and the outcome).
    PARTY_OWNER = "party_owner"
    COMPLAINT_CUSTOMER = "complaint_customer"
    COMPLAINT_SERVICE = "complaint_service"
    COMPLAINT_COMPLAINANT = "complaint_complainant"
    COMPLAINT_TEXT = "complaint_text"
    COMPLAINT_OWNER = "complaint_owner"
    COMPLAINT_ANSWER = "complaint_answer"
    COMPLAINT_OUTCOME = "complaint_outcome"

    @classmethod
    def for_requirement_field(cls, field: str) -> "Block":
        return cls("req_" + field)

    @classmethod
    def for_field(cls, prefix: str, field: str) -> "Block":
        return cls(f"{prefix}_{field}")


class Action(StrEnum):
    """action_id of interactive elements. Input elements use `Action.INPUT`: the block_id says which field."""

    INPUT = "input"
    # Searching selects (external_select): what they search is in their action_id, and Slack asks the bot for the
    # options as the person types (handlers/options/). A party search may name the kinds it offers after a colon.
    SEARCH_SERVICE = "search_service"
    SEARCH_PARTY = "search_party"             # search_party, or search_party:customer / :support_group,supplier
    SEARCH_LEG_TARGET = "search_leg_target"   # OLA and contract targets that may go beneath an SLA target
    SEARCH_SLA_TARGET = "search_sla_target"   # SLA targets an action may set out to improve
    HOME_ADD_SERVICE = "home_add_service"
    HOME_ADD_PARTY = "home_add_party"
    HOME_ADD_LINK = "home_add_link"
    REQ_ASK_REQUESTER = "req_ask_requester"   # send the requester the recorded wording to confirm
    REQ_CONFIRM = "req_confirm"               # the requester: "yes, that is what I need"
    REQ_CORRECT = "req_correct"               # the requester: "not quite" (opens the correction modal)
    REQ_MENU = "req_menu"                     # the overflow beside each requirement in a listing
    AGREEMENT_PROPOSE = "agreement_propose"   # on the headline: open the proposal modal
    AGREEMENT_AGREE = "agreement_agree"       # on the headline: "Agree to version N"
    AGREEMENT_SHOW = "agreement_show"         # on the headline: the document, to the one who asks
    COVER_WAIVE = "cover_waive"               # beside a gap in cover: waive it, with a reason
    COVER_UPGRADE = "cover_upgrade"           # beside a gap in cover: turn it into an upgrade action
    ACTION_DONE = "action_done"               # beside an open action
    REMOVE_CONFIRM = "remove_confirm"         # "Remove Payroll": what `/slm … remove` asked for, once confirmed
    REMOVE_CANCEL = "remove_cancel"           # beside it: keep it
    ACTION_ACCEPT_PLAN = "action_accept_plan"  # beside an open upgrade: a service manager accepts it as the plan
    BREACH_ACKNOWLEDGE = "breach_acknowledge"  # on a breach alert: the owning group has it in hand
    BREACH_REMEDIAL = "breach_remedial"        # on a breach alert: open the remedial action modal
    BREACH_ESCALATE = "breach_escalate"        # on a breach alert: a service manager escalates it now
    REVIEW_CADENCE_ACCEPT = "review_cadence_accept"    # in the SLA's thread: the approver accepts the arrangement
    REVIEW_CADENCE_COUNTER = "review_cadence_counter"  # ... or counters it (opens the counter modal)
    REVIEW_RSVP_ATTEND = "review_rsvp_attend"          # on a review reminder: "I'll attend"
    REVIEW_RSVP_CANNOT = "review_rsvp_cannot"          # ... "Can't attend"
    REVIEW_SNOOZE_HOUR = "review_snooze_hour"          # ... remind me in an hour
    REVIEW_SNOOZE_DAY = "review_snooze_day"            # ... remind me tomorrow
    REVIEW_CLOSE = "review_close"                      # on the review pack: close the review (opens the modal)
    REVIEW_RISK_CLOSE = "review_risk_close"            # beside a known risk in /slm review risks: no longer expected
    SLA_REVIEW_OUTCOME = "sla_review_outcome"          # on an SLA review reminder: continue, renegotiate or retire
    # Issue 13, actions slice: the buttons that move a listed action along, and the listing's next page.
    ACTION_START = "action_start"                      # open -> in progress
    ACTION_FINISH = "action_finish"                    # Done…: a modal for the closing note
    ACTION_CANCEL = "action_cancel"                    # Cancel…: a modal for the closing note (required)
    ACTIONS_NEXT = "actions_next"                      # the listing's next page
    # Issue 14, lists: any list's pages (the value says which list, as asked, and where the page starts)
    LIST_PREVIOUS = "list_previous"
    LIST_NEXT = "list_next"
    # issue 13, slice B (nudges): on an action's nudge DM
    ACTION_NUDGE_SNOOZE_DAY = "action_nudge_snooze_day"    # remind me tomorrow (09:00)
    ACTION_NUDGE_SNOOZE_WEEK = "action_nudge_snooze_week"  # remind me next week (09:00)
    # issue 17, satisfaction: on a rating DM
    SATISFACTION_RATE = "satisfaction_rate"          # 1..5 (value "<ask id>:<rating>")
    SATISFACTION_COMMENT = "satisfaction_comment"    # "Add a comment" (opens the modal)
    # issue 17, suppliers: on a contract's review reminder (continue, renegotiate or exit), and Close… on a dispute
    CONTRACT_REVIEW_OUTCOME = "contract_review_outcome"
    DISPUTE_CLOSE = "dispute_close"
    # Issue 17, complaints slice: beside a listed complaint (the value is its number)
    COMPLAINT_ANSWER = "complaint_answer"              # Answer…: a modal for the answer
    COMPLAINT_CLOSE = "complaint_close"                # Close…: a modal for the outcome


# Shortcuts as the manifest declares them: (callback_id, name shown in Slack, "global" or "message").
SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    (Callback.SHORTCUT_RECORD_REQUIREMENT, "Record a service requirement", "global"),
    (Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, "Record as requirement", "message"),
    (Callback.SHORTCUT_REVIEW_NOTE, "Record in the review", "message"),
    (Callback.SHORTCUT_COMPLAINT_FROM_MESSAGE, "Record as complaint", "message"),
)
