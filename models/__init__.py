"""SQLModel tables. Importing this package registers every table on SQLModel.metadata.

Every schema change comes with an Alembic migration in `models/migrations/versions/`;
`tests/test_migrations.py` fails when the tables and the migrations disagree.
"""
from models.service_map import Contact, ContactRole, Party, PartyKind, Service, ServiceLink  # noqa: F401
from models.workspace import AuditEvent, AuditHead, Member, RoleGrant, WorkspaceRole, WorkspaceSetting  # noqa: F401
from models.requirements import Category, Priority, Requirement, Source, Status  # noqa: F401
from models.agreements import (  # noqa: F401
    Agreement,
    AgreementKind,
    AgreementService,
    AgreementStatus,
    AgreementVersion,
    Calendar,
    DocumentTemplate,
    Signoff,
    Target,
    TargetKind,
)
from models.coverage import Action, ActionKind, ActionOrigin, ActionStatus, CoverageState, CoverRecheck, TargetLink, Waiver  # noqa: F401
from models.outbox import Outbox, OutboxKind, OutboxStatus  # noqa: F401
from models.replays import InteractionSeen  # noqa: F401
from models.measurements import (  # noqa: F401
    ApiToken,
    MeasurementSource,
    MetricSample,
    Outage,
    OutageImpact,
    Ticket,
    TicketEvent,
    TicketEventKind,
)
from models.breaches import Breach, BreachState  # noqa: F401
from models.ladders import CallbackDelivery, DeliveryStatus, LadderCallback, TargetLadder  # noqa: F401
from models.alerts import AlertServiceMap  # noqa: F401
from models.reminders import Reminder, ReminderStatus  # noqa: F401
from models.reviews import (  # noqa: F401
    ArrangementStatus,
    Review,
    ReviewArrangement,
    ReviewFormat,
    ReviewNote,
    ReviewNoteKind,
    ReviewRsvp,
    ReviewStatus,
    RsvpAnswer,
    SlaReview,
    SlaReviewOutcome,
)
from models.installs import WorkspaceUninstall, slack_bots, slack_installations, slack_oauth_states  # noqa: F401
from models.satisfaction import AskKind, AskOutcome, SatisfactionAsk  # noqa: F401
# issue 17, suppliers: contract owners and reviews, disputes
from models.suppliers import ContractCare, ContractReview, DisputeStatus, ReviewOutcome, SupplierDispute  # noqa: F401
from models.complaints import Complaint, ComplaintStatus  # noqa: F401
from models.workload import (  # noqa: F401
    Exclusion,
    ExclusionKind,
    MaintenanceStatus,
    MaintenanceWindow,
    WorkloadLimit,
    WorkloadMeasure,
)
