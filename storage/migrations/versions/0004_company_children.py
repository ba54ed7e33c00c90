"""The company's collections as one JSON value next to the child tables.

Revision ID: 0004_company_children
Revises: 0003_workspace
Create Date: 2026-12-02

``company.children`` holds what the child tables (answers, steps, plan actions, certificate,
nonconformities, events) hold, so a conversation loads in one row instead of six queries.
Existing companies get NULL: their next load reads the tables as before and the save that
follows writes the value; no data moves, and a downgrade only drops the copy.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004_company_children"
down_revision: str | None = "0003_workspace"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("company") as batch_op:
        batch_op.add_column(sa.Column("children", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("children")
