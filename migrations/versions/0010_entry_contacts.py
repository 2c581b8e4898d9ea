"""entry contacts: the nominee's phone and post, the author's phone and a
guardian's phone for entries a unit sends for its authors

Revision ID: 0010_entry_contacts
Revises: 0009_announced_weight
Create Date: 2026-12-04 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_entry_contacts'
down_revision = '0009_announced_weight'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nominee_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('nominee_post', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('author_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('author_minor', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('guardian_phone', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_column('guardian_phone')
        batch_op.drop_column('author_minor')
        batch_op.drop_column('author_phone')
        batch_op.drop_column('nominee_post')
        batch_op.drop_column('nominee_phone')
