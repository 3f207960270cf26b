"""session version: logout and password changes revoke sessions and remember-me cookies

Revision ID: 0006_session_version
Revises: 0005_default_survey
Create Date: 2026-11-29 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_session_version"
down_revision = "0005_default_survey"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_version")
