"""Core tables: users, companies, memberships, the company's progress, processed updates.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-27

Written by autogenerate, then reviewed: columns reordered (keys first), plain ``sa.String``
instead of SQLModel's ``AutoString`` (same DDL), indexes created without batch mode (new
tables need none), and downgrade simply drops the tables in dependency order.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001_core"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _company_id(table: str) -> list[sa.schema.SchemaItem]:
    """``company_id`` column + its cascading foreign key, shared by the company's tables."""
    return [
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
            name=op.f(f"fk_{table}_company_id_company"),
            ondelete="CASCADE",
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("lang", sa.String(), nullable=False),
        sa.Column("lang_chosen", sa.Boolean(), nullable=False),
        sa.Column("pending", sa.JSON(), nullable=True),
        sa.Column("reminders_opt_in", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_app_user_channel_external_id")),
    )
    op.create_index(op.f("ix_app_user_telegram_id"), "app_user", ["telegram_id"])

    op.create_table(
        "company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("industry", sa.String(), nullable=False),
        sa.Column("sites", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(), nullable=True),
        sa.Column("phase", sa.String(), nullable=False),
        sa.Column("current_step", sa.String(), nullable=True),
        sa.Column("system_start", sa.Date(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("reminder_hour", sa.Integer(), nullable=False),
        sa.Column("onboarded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company")),
    )

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *_company_id("membership"),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_membership_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint("user_id", "company_id", name=op.f("uq_membership_user_id_company_id")),
    )
    op.create_index(op.f("ix_membership_user_id"), "membership", ["user_id"])
    op.create_index(op.f("ix_membership_company_id"), "membership", ["company_id"])

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        *_company_id("answer"),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
        sa.UniqueConstraint(
            "company_id", "question_id", name=op.f("uq_answer_company_id_question_id")
        ),
    )
    op.create_index(op.f("ix_answer_company_id"), "answer", ["company_id"])

    op.create_table(
        "step_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        *_company_id("step_progress"),
        sa.Column("step_id", sa.String(), nullable=False),
        sa.Column("checked", sa.JSON(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_order", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_progress")),
        sa.UniqueConstraint(
            "company_id", "step_id", name=op.f("uq_step_progress_company_id_step_id")
        ),
    )
    op.create_index(op.f("ix_step_progress_company_id"), "step_progress", ["company_id"])

    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        *_company_id("plan_action"),
        sa.Column("action_id", sa.String(), nullable=False),
        sa.Column("title_zh", sa.String(), nullable=False),
        sa.Column("title_en", sa.String(), nullable=False),
        sa.Column("owner_role_zh", sa.String(), nullable=False),
        sa.Column("owner_role_en", sa.String(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=True),
        sa.Column("clause_ids", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("custom", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
        sa.UniqueConstraint(
            "company_id", "action_id", name=op.f("uq_plan_action_company_id_action_id")
        ),
    )
    op.create_index(op.f("ix_plan_action_company_id"), "plan_action", ["company_id"])

    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        *_company_id("certificate"),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("edition", sa.String(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("issued", sa.Date(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        # One certificate per company; the unique constraint also indexes company_id.
        sa.UniqueConstraint("company_id", name=op.f("uq_certificate_company_id")),
    )

    op.create_table(
        "nonconformity",
        sa.Column("id", sa.Integer(), nullable=False),
        *_company_id("nonconformity"),
        sa.Column("nc_id", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("grade", sa.String(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("correction_due", sa.Date(), nullable=False),
        sa.Column("evidence_due", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nonconformity")),
        sa.UniqueConstraint("company_id", "nc_id", name=op.f("uq_nonconformity_company_id_nc_id")),
    )
    op.create_index(op.f("ix_nonconformity_company_id"), "nonconformity", ["company_id"])

    op.create_table(
        "dated_event",
        sa.Column("id", sa.Integer(), nullable=False),
        *_company_id("dated_event"),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("title_zh", sa.String(), nullable=False),
        sa.Column("title_en", sa.String(), nullable=False),
        sa.Column("step_id", sa.String(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dated_event")),
        sa.UniqueConstraint("company_id", "key", name=op.f("uq_dated_event_company_id_key")),
    )
    op.create_index(op.f("ix_dated_event_company_id"), "dated_event", ["company_id"])

    op.create_table(
        "processed_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_update")),
    )
    op.create_index(op.f("ix_processed_update_processed_at"), "processed_update", ["processed_at"])


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes.
    for table in (
        "processed_update",
        "dated_event",
        "nonconformity",
        "certificate",
        "plan_action",
        "step_progress",
        "answer",
        "membership",
        "company",
        "app_user",
    ):
        op.drop_table(table)
