"""The organiser's console at /console: a parent blueprint (the dashboard,
organiser.dashboard) with one nested blueprint per domain, organiser.<domain>.<view>.
Every domain keeps its URLs as they were: the children add no prefix."""
from __future__ import annotations

from flask import Blueprint

from . import contests, exports, judging, people, programmes, results, screening, votes
from .dashboard import dashboard
from .showcase_gate import refuse_for_showcase_only

bp = Blueprint("organiser", __name__)
bp.add_url_rule("/", view_func=dashboard)
for domain in (programmes, contests, screening, judging, votes, results, exports, people):
    bp.register_blueprint(domain.bp)
for domain in (judging, votes, results):
    domain.bp.before_request(refuse_for_showcase_only)

__all__ = ["bp"]
