"""The ``reminder`` table: one row per planned message to one user (the source of truth).

Planning (``flows.reconcile`` decides, ``storage.reminder_plan`` writes) keeps the rows in
line with the company's dates; dispatchers claim due rows with a lease (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL), send them and mark them sent. Titles, step and timezone are copied
onto the row so sending needs no company lookup.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from flows.reconcile import ReminderStatus
from flows.state import DEFAULT_TZ
from storage.models import UTCDateTime, utcnow

__all__ = ["Reminder", "ReminderStatus"]


class Reminder(SQLModel, table=True):
    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("user_id", "company_id", "dedup_key"),
        Index("ix_reminder_status_due_at", "status", "due_at"),
        # Finds an event's other reminders (catch-up rule). Four equality columns also
        # steer SQLite's planner here rather than to the (status, due_at) range.
        Index("ix_reminder_event", "user_id", "company_id", "event_key", "event_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE")
    channel: str = "telegram"  # copied from the user: dispatchers only claim their channel
    event_key: str
    kind: str  # reminder kind id from the rules
    lead_days: int  # days before the date; -1 overdue alert; -2 snoozed by the user
    event_date: date
    due_at: datetime = Field(sa_type=UTCDateTime)
    dedup_key: str  # "<event key>|<lead days>|<event date>"
    title_zh: str = ""
    title_en: str = ""
    step_id: str | None = None
    timezone: str = DEFAULT_TZ
    status: str = Field(default=ReminderStatus.PLANNED.value)
    claimed_by: str | None = None
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
