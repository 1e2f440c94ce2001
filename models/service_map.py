"""The service map (competency 6.1): who consumes, supports and supplies which service.

A link's relation follows from the party's kind (a customer consumes, a support
group supports, a supplier supplies), so it is not stored twice.
"""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field

from models.base import Stamped


class PartyKind(StrEnum):
    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    SUPPORT_GROUP = "support_group"

    @property
    def label(self) -> str:
        return {"customer": "Customer", "supplier": "Supplier", "support_group": "Support group"}[self.value]

    @property
    def relation(self) -> str:
        """The verb of this kind's link to a service."""
        return {"customer": "consumes", "supplier": "supplies", "support_group": "supports"}[self.value]


class ContactRole(StrEnum):
    MANAGERIAL = "managerial"
    OPERATIONAL = "operational"
    SERVICE_MANAGER = "service_manager"
    APPROVER = "approver"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Party(Stamped, table=True):
    __tablename__ = "party"
    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_party_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120)
    description: str = Field(default="", max_length=3000)
    channel_id: str | None = Field(default=None, max_length=32)
    # Issue 17 (complaints slice): who owns the relationship with this party (ISO/IEC 20000-1 8.3.2, 8.3.4.1), told
    # first of its complaints, its agreements' breaches and renewals. A Slack user id; None until someone is named.
    owner_user_id: str | None = Field(default=None, max_length=32)

    @property
    def party_kind(self) -> PartyKind:
        return PartyKind(self.kind)


class Contact(Stamped, table=True):
    """A Slack user speaking for a party, in one role."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("party_id", "user_id", "role", name="uq_contact_party_user_role"),)

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False, index=True))
    user_id: str = Field(max_length=32, index=True)
    role: str = Field(max_length=24)
    # The workspace the person belongs to when it is not this one: a customer's own person met in a Slack Connect
    # channel (issue 16). None: one of this workspace's people. A contact is recognised by user id AND this.
    user_team: str | None = Field(default=None, max_length=32)
    # Named before workspaces were recorded (migration 0017 sets it on every older row): whose person they are is not
    # known, so the contact is recognised by user id alone, until named again (review finding 11).
    workspace_unknown: bool = Field(default=False)


class Service(Stamped, table=True):
    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_service_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120)
    description: str = Field(default="", max_length=3000)


class ServiceLink(Stamped, table=True):
    """A party's link to a service, with the activities conducted over it.

    `component` names the part of the service a supplier supplies ("" for the whole service).
    """

    __tablename__ = "service_link"
    __table_args__ = (UniqueConstraint("service_id", "party_id", "component", name="uq_link_service_party_component"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True))
    party_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False, index=True))
    component: str = Field(default="", max_length=120)
    activities: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
