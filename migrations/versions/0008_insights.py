"""insights: answer enrichment, the insight job queue, daily rollups, full-text search

Revision ID: 0008_insights
Revises: 0007_invitation_expiry
Create Date: 2026-11-29 18:10:00.000000

SQLite gets an FTS5 table (``answer_search``) kept by triggers on ``answer_enrichment``: an
answer is searchable once enriched, and leaves the index with its enrichment (erasure).
PostgreSQL searches the enrichment's ``search_vector`` through a GIN index.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_insights"
down_revision = "0007_invitation_expiry"
branch_labels = None
depends_on = None

_KEYS = (
    ("day", sa.Date(), False),
    ("survey_id", sa.Integer(), False),
    ("team_id", sa.Integer(), True),
    ("touchpoint_type", sa.String(length=64), True),
    ("segment", sa.String(length=64), True),
    ("lifecycle_stage", sa.String(length=64), True),
    ("language", sa.String(length=8), False),
)
_DAILY = (
    "invited",
    "responses",
    "promoters",
    "passives",
    "detractors",
    *(f"ces_{value}" for value in range(1, 8)),
    *(f"csat_{value}" for value in range(1, 6)),
    "heard_yes",
    "heard_partly",
    "heard_no",
    "texts",
    "polarity_sum",
    "negatives",
    "mismatches",
    "churn",
    "not_heard",
    "repeat_contact",
    "praise_person",
    "text_promoters",
    "text_passives",
    "text_detractors",
)

_SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE answer_search USING fts5(body, tokenize='unicode61 remove_diacritics 2')",
    """CREATE TRIGGER answer_enrichment_search_insert AFTER INSERT ON answer_enrichment BEGIN
        INSERT INTO answer_search (rowid, body)
        SELECT id, text_value FROM answer WHERE id = new.answer_id;
    END""",
    """CREATE TRIGGER answer_enrichment_search_delete AFTER DELETE ON answer_enrichment BEGIN
        DELETE FROM answer_search WHERE rowid = old.answer_id;
    END""",
    # Erasing an answer's text takes it out of the index even before the worker passes.
    """CREATE TRIGGER answer_search_erase AFTER UPDATE OF text_value ON answer BEGIN
        DELETE FROM answer_search WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER answer_search_delete AFTER DELETE ON answer BEGIN
        DELETE FROM answer_search WHERE rowid = old.id;
    END""",
)


def _key_columns():
    return [sa.Column(name, kind, nullable=nullable) for name, kind, nullable in _KEYS]


def upgrade():
    op.create_table(
        "insight_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "done", "failed", name="jobstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leased_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_job")),
    )
    op.create_index(
        "ix_insight_job_status_send_after", "insight_job", ["status", "send_after"], unique=False
    )
    op.create_table(
        "insight_mark",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_insight_mark")),
    )
    op.create_table(
        "answer_enrichment",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("polarity", sa.Float(), nullable=False),
        sa.Column("label", sa.String(length=8), nullable=False),
        sa.Column("confident", sa.Boolean(), nullable=False),
        sa.Column("mismatch", sa.Boolean(), nullable=False),
        sa.Column("churn", sa.Boolean(), nullable=False),
        sa.Column("not_heard", sa.Boolean(), nullable=False),
        sa.Column("repeat_contact", sa.Boolean(), nullable=False),
        sa.Column("praise_person", sa.Boolean(), nullable=False),
        sa.Column("analyzer_version", sa.String(length=32), nullable=False),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "search_vector",
            sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_answer_enrichment_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_answer_enrichment_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", name=op.f("pk_answer_enrichment")),
    )
    op.create_index(
        "ix_answer_enrichment_response", "answer_enrichment", ["response_id"], unique=False
    )
    op.create_index(
        "ix_answer_enrichment_version", "answer_enrichment", ["analyzer_version"], unique=False
    )
    op.create_index(
        "ix_answer_enrichment_search",
        "answer_enrichment",
        ["search_vector"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_table(
        "answer_phrase",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("polarity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_answer_phrase_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", "theme", name=op.f("pk_answer_phrase")),
    )
    op.create_index("ix_answer_phrase_theme", "answer_phrase", ["theme"], unique=False)
    op.create_table(
        "rollup_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        *_key_columns(),
        *(
            sa.Column(name, sa.Float() if name == "polarity_sum" else sa.Integer(), nullable=False)
            for name in _DAILY
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_daily")),
    )
    op.create_index("ix_rollup_daily_day", "rollup_daily", ["day"], unique=False)
    op.create_index(
        "ix_rollup_daily_survey_day", "rollup_daily", ["survey_id", "day"], unique=False
    )
    op.create_table(
        "rollup_phrase",
        sa.Column("id", sa.Integer(), nullable=False),
        *_key_columns(),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("polarity_sum", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_phrase")),
    )
    op.create_index(
        "ix_rollup_phrase_survey_day", "rollup_phrase", ["survey_id", "day"], unique=False
    )
    op.create_table(
        "rollup_agent",
        sa.Column("id", sa.Integer(), nullable=False),
        *_key_columns(),
        sa.Column("agent", sa.String(length=200), nullable=False),
        sa.Column("promoters", sa.Integer(), nullable=False),
        sa.Column("passives", sa.Integer(), nullable=False),
        sa.Column("detractors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_agent")),
    )
    op.create_index(
        "ix_rollup_agent_survey_day", "rollup_agent", ["survey_id", "day"], unique=False
    )
    op.create_index("ix_invitation_sent_at", "invitation", ["sent_at"], unique=False)
    op.create_index("ix_response_started_at", "response", ["started_at"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_SEARCH:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in (
            "answer_search_delete",
            "answer_search_erase",
            "answer_enrichment_search_delete",
            "answer_enrichment_search_insert",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS answer_search")
    op.drop_index("ix_response_started_at", table_name="response")
    op.drop_index("ix_invitation_sent_at", table_name="invitation")
    for table in ("rollup_agent", "rollup_phrase", "rollup_daily"):
        op.drop_table(table)
    op.drop_index("ix_answer_phrase_theme", table_name="answer_phrase")
    op.drop_table("answer_phrase")
    op.drop_table("answer_enrichment")
    op.drop_table("insight_mark")
    op.drop_index("ix_insight_job_status_send_after", table_name="insight_job")
    op.drop_table("insight_job")
