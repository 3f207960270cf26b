"""survey version: lets each process cache a survey's questions safely

Revision ID: 0004_survey_version
Revises: 0003_sending
Create Date: 2026-11-24 16:20:00.000000

"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004_survey_version"
down_revision = "0003_sending"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.String(length=32), nullable=True))
    survey = sa.table("survey", sa.column("id", sa.Integer), sa.column("version", sa.String))
    connection = op.get_bind()
    for (survey_id,) in connection.execute(sa.select(survey.c.id)).all():
        connection.execute(
            survey.update().where(survey.c.id == survey_id).values(version=uuid.uuid4().hex)
        )
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.alter_column("version", existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_column("version")
