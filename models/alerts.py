"""Which service an Alertmanager alert is about: a workspace's own mapping of label values to services.

An alert names its service in a label (`service` unless the workspace chooses another with
`/slm settings alert_label <label>`). A label value that is a service's name needs no mapping; a value that
is not (`payroll-api`, `pay`) is mapped once with `/slm alerts map payroll-api Payroll`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field

from models.base import TeamScoped
from models.types import UTCDateTime


class AlertServiceMap(TeamScoped, table=True):
    __tablename__ = "alert_service_map"
    __table_args__ = (UniqueConstraint("team_id", "label_value", name="uq_alert_service_map_team_value"),)

    id: int | None = Field(default=None, primary_key=True)
    label_value: str = Field(max_length=200)  # as the alerts carry it, exactly (Prometheus label values are case-sensitive)
    # A removed service takes its mappings with it: an alert for it is then reported as unmapped.
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False))
    updated_by: str = Field(max_length=32)
    updated_at: datetime = Field(sa_type=UTCDateTime)
