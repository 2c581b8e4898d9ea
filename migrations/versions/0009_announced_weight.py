"""announced weight: the results take the vote's share from the contest (no weights of their own); the 公示 contact phone

Revision ID: 0009_announced_weight
Revises: 0008_publicity
Create Date: 2026-12-04 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_announced_weight'
down_revision = '0008_publicity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publicity_phone', sa.String(length=40), nullable=False, server_default=''))
    # A vote weight saved on the results page was the organiser's choice: it
    # becomes the contest's (as a share of both weights, which ranks alike).
    # Settings still at the old default (no vote) keep the announced figure.
    op.execute(
        "UPDATE contests SET vote_weight = (SELECT CAST(ROUND(100 * rs.vote_weight / (rs.judge_weight + rs.vote_weight))"
        " AS INTEGER) FROM result_settings rs WHERE rs.contest_id = contests.id)"
        " WHERE id IN (SELECT contest_id FROM result_settings WHERE vote_weight > 0)")
    with op.batch_alter_table('result_settings', schema=None) as batch_op:
        batch_op.drop_column('vote_weight')
        batch_op.drop_column('judge_weight')


def downgrade():
    with op.batch_alter_table('result_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('judge_weight', sa.Float(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('vote_weight', sa.Float(), nullable=False, server_default='0'))
    op.execute("UPDATE result_settings SET vote_weight = (SELECT vote_weight / 100.0 FROM contests"
               " WHERE contests.id = result_settings.contest_id)")
    op.execute("UPDATE result_settings SET judge_weight = 1 - vote_weight")
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_column('publicity_phone')
