"""showcase only: a contest that collects, screens and shows (展播), with no judging, vote or awards

Revision ID: 0014_showcase_only
Revises: 0013_unit_contacts
Create Date: 2026-12-04 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_showcase_only'
down_revision = '0013_unit_contacts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('showcase_only', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_column('showcase_only')
