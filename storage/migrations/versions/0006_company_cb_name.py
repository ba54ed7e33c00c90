"""The certification body an owner named ("我们报了中知认证", "we applied with CQC").

Revision ID: 0006_company_cb_name
Revises: 0005_reminder_pause
Create Date: 2026-12-03

One text column on ``company``; existing companies get "" (none named yet).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006_company_cb_name"
down_revision: str | None = "0005_reminder_pause"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("company") as batch_op:
        batch_op.add_column(sa.Column("cb_name", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("cb_name")
