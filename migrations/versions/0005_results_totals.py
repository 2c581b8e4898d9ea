"""each round entry keeps its judges' final totals; each round a results version

Revision ID: 0005_results_totals
Revises: 0004_judging
Create Date: 2026-11-29 13:20:00

"""
import struct

import sqlalchemy as sa
from alembic import op


revision = '0005_results_totals'
down_revision = '0004_judging'
branch_labels = None
depends_on = None


def pack(pairs):
    # As contest/services/round_totals.pack at this revision: n int64 judge ids, then n float64 totals.
    n = len(pairs)
    return struct.pack(f"<{n}q{n}d", *(j for j, _t in pairs), *(t for _j, t in pairs))


def upgrade():
    with op.batch_alter_table('rounds') as batch_op:
        batch_op.add_column(sa.Column('results_version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('round_entries') as batch_op:
        batch_op.add_column(sa.Column('totals', sa.LargeBinary(), nullable=True))
    # Fill the totals of rounds judged before this column existed.
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT ja.round_id, ja.entry_id, ja.judge_id, s.total FROM judge_assignments ja "
        "JOIN scores s ON s.assignment_id = ja.id "
        "WHERE ja.state = 'scored' AND s.final AND s.total IS NOT NULL ORDER BY ja.judge_id"))
    totals = {}
    for round_id, entry_id, judge_id, total in rows:
        totals.setdefault((round_id, entry_id), []).append([judge_id, total])
    round_entries = sa.table('round_entries', sa.column('round_id', sa.Integer), sa.column('entry_id', sa.Integer),
                             sa.column('totals', sa.LargeBinary))
    for (round_id, entry_id), pairs in totals.items():
        bind.execute(round_entries.update().where(round_entries.c.round_id == round_id,
                                                  round_entries.c.entry_id == entry_id).values(totals=pack(pairs)))


def downgrade():
    with op.batch_alter_table('round_entries') as batch_op:
        batch_op.drop_column('totals')
    with op.batch_alter_table('rounds') as batch_op:
        batch_op.drop_column('results_version')
