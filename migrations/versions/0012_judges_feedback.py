"""judges' feedback: a contest may show entrants the judges' comments, without
names, once its final result is published

Revision ID: 0012_judges_feedback
Revises: 0011_certificates
Create Date: 2026-12-04 19:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_judges_feedback'
down_revision = '0011_certificates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('judges_feedback', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_column('judges_feedback')
