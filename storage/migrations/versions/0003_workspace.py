"""Workspaces: invitations, the user's current company, assignees, announcements opt-in.

Revision ID: 0003_workspace
Revises: 0002_reminders
Create Date: 2026-12-02

Written by autogenerate, then reviewed: plain ``sa.String``, ``sa.false()`` as the
server default on both databases, the new table's indexes without batch mode. Existing
users get no current company: the first load picks their first membership, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003_workspace"
down_revision: str | None = "0002_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user_ref(table: str, column: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column(column, sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            [column],
            ["app_user.id"],
            name=op.f(f"fk_{table}_{column}_app_user"),
            ondelete="SET NULL",
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("code_hash", sa.String(), nullable=False),
        *_user_ref("invitation", "created_by"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        *_user_ref("invitation", "used_by"),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
            name=op.f("fk_invitation_company_id_company"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invitation_code_hash")),
    )
    for column in ("company_id", "created_by", "used_by"):
        op.create_index(op.f(f"ix_invitation_{column}"), "invitation", [column])

    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(
            sa.Column("news_opt_in", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("current_company_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_app_user_current_company_id_company"),
            "company",
            ["current_company_id"],
            ["id"],
            ondelete="SET NULL",
        )

    for table in ("plan_action", "step_progress"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_assignee_id"), ["assignee_id"])
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_assignee_id_app_user"),
                "app_user",
                ["assignee_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade() -> None:
    for table in ("step_progress", "plan_action"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_assignee_id_app_user"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f(f"ix_{table}_assignee_id"))
            batch_op.drop_column("assignee_id")
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_app_user_current_company_id_company"), type_="foreignkey"
        )
        batch_op.drop_column("current_company_id")
        batch_op.drop_column("news_opt_in")
    op.drop_table("invitation")
