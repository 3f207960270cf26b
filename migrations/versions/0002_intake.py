"""intake: touchpoints by team and period for the invitation funnel

Revision ID: 0002_intake
Revises: 0001_initial
Create Date: 2026-11-24 16:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002_intake'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    # The funnel counts a team's touchpoints over a period: one index serves both filters.
    with op.batch_alter_table('touchpoint', schema=None) as batch_op:
        batch_op.create_index('ix_touchpoint_team_occurred', ['team_id', 'occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('touchpoint', schema=None) as batch_op:
        batch_op.drop_index('ix_touchpoint_team_occurred')
