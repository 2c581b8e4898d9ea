"""A judge's scores: validated against the rubric, versioned, every change kept."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from .. import scoring
from ..extensions import db
from ..models import JudgeAssignment, Score, ScoreRevision, User
from ..models.timestamps import utcnow
from ..state import round_is_open
from . import audit
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes


class ScoreConflict(ServiceError):
    """The score changed in another window since this copy was loaded."""


@writes
def record_score(judge: User, item: JudgeAssignment, values: dict, comment: str = "", *,
                 final: bool = False, expected_version: int | None = None,
                 now: datetime | None = None) -> Score:
    if item.judge_id != judge.id:
        raise ServiceError(_("This entry is not assigned to you."))
    if item.state == "recused":
        raise ServiceError(_("You stepped back from this entry."))
    if not round_is_open(item, now):
        raise ServiceError(_("The round is not open for scoring."))
    criteria = item.round.criteria
    clean: dict[str, float] = {}
    errors: dict[str, str] = {}
    for c in criteria:
        raw = values.get(str(c.id), values.get(c.id))
        if raw in (None, ""):
            continue
        try:
            points = float(raw)
        except (TypeError, ValueError):
            errors[f"c{c.id}"] = _("Please enter a number.")
            continue
        if not 0 <= points <= c.max_points:
            errors[f"c{c.id}"] = _("%(name)s takes 0 to %(max)s points.", name=c.name, max=f"{c.max_points:g}")
        else:
            clean[str(c.id)] = points
    if final and not errors and len(clean) < len(criteria):
        errors["final"] = _("Score every criterion before you submit.")
    if errors:
        raise ValidationErrors(errors)
    score = item.score
    if score is not None:
        # Lock the row (PostgreSQL; SQLite writers are already serialised) before comparing.
        db.session.execute(select(Score.id).where(Score.id == score.id).with_for_update())
        db.session.refresh(score)
    if score is not None and expected_version is not None and expected_version != score.version:
        raise ScoreConflict(_("This score was changed in another window. Reload to see the latest version."))
    if score is None:
        if expected_version:
            raise ScoreConflict(_("This score was changed in another window. Reload to see the latest version."))
        score = Score(assignment=item, version=0)
        db.session.add(score)
    total = None
    if len(clean) == len(criteria) and criteria:
        total = scoring.judge_total({int(k): v for k, v in clean.items()},
                                    [scoring.Criterion(c.id, c.max_points, c.weight) for c in criteria])
    score.values, score.comment, score.total = clean, (comment or "").strip()[:4000], total
    score.final = final or score.final and len(clean) == len(criteria)
    score.version += 1
    score.updated_at = now or utcnow()
    item.state = "scored" if score.final else "pending"
    db.session.add(ScoreRevision(score=score, version=score.version, values=clean, comment=score.comment,
                                 total=total, final=score.final, actor_id=judge.id))
    db.session.flush()
    audit.record(judge, "score.final" if final else "score.save", item.round,
                 details={"entry": item.entry_id, "version": score.version})
    return score
