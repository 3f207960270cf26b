"""user teams: a staff member may be limited to some teams (no row: every team)

Revision ID: 0009_user_teams
Revises: 0008_insights
Create Date: 2026-11-29 18:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_user_teams"
down_revision = "0008_insights"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_team",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_user_team_team_id_team"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_team_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "team_id", name=op.f("pk_user_team")),
    )
    with op.batch_alter_table("user_team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_team_team_id"), ["team_id"], unique=False)


def downgrade():
    with op.batch_alter_table("user_team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_team_team_id"))
    op.drop_table("user_team")
