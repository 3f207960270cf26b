"""sending: the reminder's own link token and its attempt count

Revision ID: 0003_sending
Revises: 0002_intake
Create Date: 2026-11-24 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0003_sending'
down_revision = '0002_intake'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('reminder_attempts', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_invitation_reminder_token_hash'), ['reminder_token_hash']
        )


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_invitation_reminder_token_hash'), type_='unique')
        batch_op.drop_column('reminder_attempts')
        batch_op.drop_column('reminder_token_hash')
