"""consultations and consultation_notes (spec §3-4)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

import boo_cli.models.accounts  # noqa: F401 - the table its foreign keys point at
from boo_cli.models.columns import (
    created_at_field,
    enum_field,
    flag_field,
    id_field,
    instant_field,
    json_field,
    owner_field,
    text_field,
    updated_at_field,
)
from boo_cli.models.enums import ConsultationStatus, ConsultationType


class Consultation(SQLModel, table=True):
    __tablename__ = "consultations"
    __table_args__ = (
        sa.Index("idx_consultations_user_scheduled", "user_id", "scheduled_at"),
        sa.Index("idx_consultations_status", "status"),
        # The longest booking of a status: how far back a booking can still reach into now (0015).
        sa.Index("ix_consultations_user_status_duration", "user_id", "status", "duration_minutes"),
    )

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = owner_field("users.id")
    scheduled_at: datetime = instant_field(nullable=False)
    duration_minutes: int | None = Field(
        default=60, sa_type=sa.Integer, sa_column_kwargs={"server_default": sa.text("60")}
    )
    type: ConsultationType | None = enum_field(ConsultationType)
    status: ConsultationStatus | None = enum_field(ConsultationStatus)
    meeting_link: str | None = text_field(500)
    cancelled_at: datetime | None = instant_field()
    completed_at: datetime | None = instant_field()
    created_at: datetime | None = created_at_field()
    # Added (revision 0006): why it was cancelled, as the user gave it to `boo consult cancel --reason`.
    cancel_reason: str | None = text_field()
    # Added (revision 0006): the iCalendar SEQUENCE. It grows whenever the event changes for a calendar
    # (a reschedule, a cancellation), so an app that imported an older copy takes the newer one.
    sequence: int = Field(
        default=0, sa_type=sa.Integer, nullable=False, sa_column_kwargs={"server_default": sa.text("0")}
    )
    # Added (revision 0011): who the consultation is with and what it is called, so bookings can be
    # told apart in a list and a calendar. All optional: older rows have none of them.
    client_name: str | None = text_field(255)
    client_email: str | None = text_field(255)
    title: str | None = text_field(255)


class ConsultationNote(SQLModel, table=True):
    __tablename__ = "consultation_notes"
    __table_args__ = (sa.Index("ix_consultation_notes_consultation_id", "consultation_id"),)

    id: uuid.UUID = id_field()
    consultation_id: uuid.UUID = owner_field("consultations.id")
    summary: str | None = text_field()
    key_insights: list[Any] | None = json_field()
    action_items: list[Any] | None = json_field()
    follow_up_required: bool | None = flag_field(False)
    internal_notes: str | None = text_field()
    created_at: datetime | None = created_at_field()
    updated_at: datetime | None = updated_at_field()
