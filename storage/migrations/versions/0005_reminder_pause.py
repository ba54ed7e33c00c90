"""Reminders paused by the user (/pause, "别每天提醒我了").

Revision ID: 0005_reminder_pause
Revises: 0004_company_children
Create Date: 2026-12-02

Two nullable instants on ``app_user``: from when and until when (NULL: until /resume) the
user's digest reminders are paused. Existing users get NULL (not paused).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005_reminder_pause"
down_revision: str | None = "0004_company_children"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(
            sa.Column("reminders_paused_from", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reminders_paused_until", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_column("reminders_paused_until")
        batch_op.drop_column("reminders_paused_from")
