"""What a sender may send: ticket events, outage windows and metric samples, one at a time or in a batch.

These pydantic models are the one description of an item: the HTTP API validates against them and publishes
them as its OpenAPI schema, and the CSV import and `/slm record` build them too, so every way in accepts the
same thing. Each kind of ticket event is its own model, told apart by `kind`, so the schema says exactly which
fields each kind needs (an `opened` event its priority and service, a `paused` one its reason). Unknown fields
are refused rather than ignored: a misspelt field must not quietly lose what it carried. Times must carry
their zone.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from models.measurements import OutageImpact

Priority = Literal["P1", "P2", "P3", "P4"]
SenderId = Annotated[str, Field(min_length=1, max_length=120, description="The sender's own id: a resend with the "
                                "same id is stored once; the same id with other content corrects the item.")]
Name = Annotated[str, Field(min_length=1, max_length=120)]


def no_nul(value):
    """PostgreSQL's text holds no NUL character: refused here, naming the field, not a 500 at the insert (found by
    tests/fuzz/test_api_schema.py)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain the NUL character (\\u0000)")
    if isinstance(value, dict):
        for key, item in value.items():
            no_nul(key), no_nul(item)
    return value


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        return no_nul(value)


class _TicketEvent(_Item):
    id: SenderId
    ticket: Name = Field(description="The sender's ticket id, as people know it (\"INC0012345\").")
    at: AwareDatetime = Field(description="When it happened, with its zone (ISO 8601).")


class TicketOpened(_TicketEvent):
    kind: Literal["opened"]
    priority: Priority
    service: Name = Field(description="The service's name, as on the service map.")
    title: str = Field(default="", max_length=500)
    requester: str | None = Field(default=None, max_length=120)
    group: Name | None = Field(default=None, description="The support group it starts with, if any.")


class TicketResponded(_TicketEvent):
    kind: Literal["responded"]


class TicketAssigned(_TicketEvent):
    kind: Literal["assigned"]
    group: Name = Field(description="The support group's name, as on the service map.")


class TicketPaused(_TicketEvent):
    kind: Literal["paused"]
    reason: str = Field(min_length=1, max_length=200, description="Why the clock stops (\"awaiting customer\").")


class TicketResumed(_TicketEvent):
    kind: Literal["resumed"]


class TicketResolved(_TicketEvent):
    kind: Literal["resolved"]


class TicketReopened(_TicketEvent):
    kind: Literal["reopened"]


TicketEvent = Annotated[
    Union[TicketOpened, TicketResponded, TicketAssigned, TicketPaused, TicketResumed, TicketResolved, TicketReopened],
    Field(discriminator="kind"),
]


class OutageItem(_Item):
    id: Annotated[str, Field(min_length=1, max_length=200, description="The sender's own id for this outage.")]
    service: Name
    impact: OutageImpact = OutageImpact.FULL
    start: AwareDatetime
    end: AwareDatetime | None = Field(default=None, description="Absent while the outage goes on; send the outage "
                                                                "again with its end when it is over.")
    summary: str = Field(default="", max_length=500)

    @field_validator("end")
    @classmethod
    def _ends_after_it_starts(cls, end, info: ValidationInfo):
        start = info.data.get("start")
        if end is not None and start is not None and end <= start:
            raise ValueError("the end must come after the start")
        return end


class MetricSampleItem(_Item):
    id: Annotated[str, Field(min_length=1, max_length=200, description="The sender's own id for this reading.")]
    service: Name
    metric: Name = Field(description="The metric's name, as a metric target names it (\"p95 page load\").")
    value: float = Field(allow_inf_nan=False)
    unit: str = Field(default="", max_length=20)
    at: AwareDatetime


MAX_BATCH = 1000  # items of each kind in one request: a larger history goes in several, or through the CSV import


class Batch(_Item):
    """Items of every kind, stored all together or, if any is refused, not at all."""

    ticket_events: list[TicketEvent] = Field(default_factory=list, max_length=MAX_BATCH)
    outages: list[OutageItem] = Field(default_factory=list, max_length=MAX_BATCH)
    metric_samples: list[MetricSampleItem] = Field(default_factory=list, max_length=MAX_BATCH)
