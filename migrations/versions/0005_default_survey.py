"""default survey: `survey db upgrade` creates "after-support", so no read has to

Revision ID: 0005_default_survey
Revises: 0004_survey_version
Create Date: 2026-11-29 17:20:00.000000

"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from survey.surveys.defaults import (
    DEFAULT_QUESTIONS,
    DEFAULT_SURVEY_SLUG,
    DEFAULT_SURVEY_TITLE,
    DEFAULT_SURVEY_TRIGGERS,
)

revision = "0005_default_survey"
down_revision = "0004_survey_version"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# The tables as this revision knows them (not the models, which follow later revisions).
survey = sa.table(
    "survey",
    sa.column("id", sa.Integer),
    sa.column("slug", sa.String),
    sa.column("title", JSON),
    sa.column("status", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("version", sa.String),
    sa.column("triggers", JSON),
    sa.column("delay_minutes", sa.Integer),
    sa.column("fatigue_days", sa.Integer),
    sa.column("sample_rate", sa.Double),
    sa.column("quiet_start_hour", sa.Integer),
    sa.column("quiet_end_hour", sa.Integer),
    sa.column("expiry_days", sa.Integer),
    sa.column("reminder_days", sa.Integer),
)
question = sa.table(
    "question",
    sa.column("survey_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("kind", sa.String),
    sa.column("prompt", JSON),
    sa.column("options", JSON),
    sa.column("position", sa.Integer),
    sa.column("required", sa.Boolean),
)


def upgrade():
    connection = op.get_bind()
    exists = connection.execute(
        sa.select(survey.c.id).where(survey.c.slug == DEFAULT_SURVEY_SLUG)
    ).first()
    if exists is not None:
        return  # created earlier by a first request, the demo or an operator
    now = datetime.now(UTC)
    # SQLite stores naive UTC (see survey.database.UTCDateTime).
    created_at = now.replace(tzinfo=None) if connection.dialect.name == "sqlite" else now
    survey_id = connection.execute(
        survey.insert()
        .values(
            slug=DEFAULT_SURVEY_SLUG,
            title=DEFAULT_SURVEY_TITLE,
            status="active",
            created_at=created_at,
            version=uuid.uuid4().hex,
            triggers=DEFAULT_SURVEY_TRIGGERS,
            delay_minutes=120,
            fatigue_days=30,
            sample_rate=1.0,
            quiet_start_hour=21,
            quiet_end_hour=9,
            expiry_days=14,
            reminder_days=None,
        )
        .returning(survey.c.id)
    ).scalar_one()
    connection.execute(
        question.insert(),
        [
            {
                "survey_id": survey_id,
                "key": key,
                "kind": kind,
                "prompt": prompt,
                "options": options,
                "position": position,
                "required": required,
            }
            for position, (key, kind, required, prompt, options) in enumerate(DEFAULT_QUESTIONS)
        ],
    )


def downgrade():
    # The survey may hold answers by now: a schema downgrade never deletes them.
    pass
