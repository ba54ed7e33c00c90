"""The certification body an owner named ("我们报了中知认证", "we applied with CQC") and the
date they want the certificate by, said before there is a plan ("希望明年6月底前拿证").

Revision ID: 0006_company_cb_goal
Revises: 0005_reminder_pause
Create Date: 2026-12-03

Two columns on ``company``: ``cb_name`` (existing companies get "", none named yet) and
``goal_date`` (NULL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006_company_cb_goal"
down_revision: str | None = "0005_reminder_pause"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("company") as batch_op:
        batch_op.add_column(sa.Column("cb_name", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("goal_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("goal_date")
        batch_op.drop_column("cb_name")
