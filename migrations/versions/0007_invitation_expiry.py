"""invitation expiry and indexes: the reminder claim, the expiry pass, outbox counts, funnel

Revision ID: 0007_invitation_expiry
Revises: 0006_session_version
Create Date: 2026-11-29 18:00:00.000000

Sent invitations whose link has lapsed become ``expired`` (the worker does it from now on, in
bounded batches; this revision does it once for the rows from before the state existed), so
the reminder claim only ever looks at open links.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007_invitation_expiry"
down_revision = "0006_session_version"
branch_labels = None
depends_on = None

SENT_ROWS = "status = 'sent'"
REMINDER_CANDIDATES = "status = 'sent' AND reminder_sent_at IS NULL"
MANUAL_ROWS = "origin = 'manual'"

invitation = sa.table(
    "invitation",
    sa.column("status", sa.String()),
    sa.column("expires_at", sa.DateTime(timezone=True)),
)


def _partial(name, columns, predicate):
    where = sa.text(predicate)
    op.create_index(
        name, "invitation", columns, unique=False, postgresql_where=where, sqlite_where=where
    )


def upgrade():
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC there (survey.database)
    op.execute(
        invitation.update()
        .where(invitation.c.status == "sent", invitation.c.expires_at <= now)
        .values(status="expired")
    )
    _partial("ix_invitation_reminder_due", ["survey_id", "sent_at"], REMINDER_CANDIDATES)
    _partial("ix_invitation_sent_expires", ["expires_at"], SENT_ROWS)
    _partial("ix_invitation_manual_created", ["created_at"], MANUAL_ROWS)
    op.create_index(
        "ix_invitation_status_reason", "invitation", ["status", "skip_reason"], unique=False
    )


def downgrade():
    op.drop_index("ix_invitation_status_reason", table_name="invitation")
    op.drop_index("ix_invitation_manual_created", table_name="invitation")
    op.drop_index("ix_invitation_sent_expires", table_name="invitation")
    op.drop_index("ix_invitation_reminder_due", table_name="invitation")
    op.execute(invitation.update().where(invitation.c.status == "expired").values(status="sent"))
