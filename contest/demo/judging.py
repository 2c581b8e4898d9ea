"""The demo's judging and results: an 初评 round for every contest past
screening, scored as far as its phase implies, then prizes, recommendations
and the 公示 list for contests whose results are due."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Entry, JudgeAssignment, Programme, User
from ..services import advancement, contests, judge_assignments, publicity, results, rounds, score_sheets
from ..services.unit_of_work import writes

DEMO_PUBLICITY_PHONE = "0756-2123456"   # the office line printed on the demo 公示 notices

DEMO_CRITERIA = (
    ("思想内容", 40, "主题鲜明，导向正确，内容真实感人。"),
    ("艺术表现", 30, "结构完整，表达生动，富有感染力。"),
    ("传播价值", 30, "贴近网民，具有示范和传播意义。"),
)


@writes
def seed_judging(programme: Programme, now: datetime) -> None:
    """An 初评 round for every contest past screening: open and half scored
    while judging runs, scored and finalised once it has ended."""
    # In phone order: judges[1] is 评委李老师 on every database.
    judges = list(db.session.scalars(select(User).where(User.phone.in_(("13800000005", "13800000006")))
                                     .order_by(User.phone)))
    organiser = demo_organiser()
    if len(judges) < 2 or organiser is None:
        return
    for contest in programme.contests:
        phase = contests.phase(contest, now)
        if phase in ("upcoming", "collecting", "screening") or not contest.judging_start:
            continue
        cats = [c for c in contest.categories if any(e.category_id == c.id and e.status == "accepted"
                                                     for e in db.session.scalars(select(Entry).where(
                                                         Entry.contest_id == contest.id)))]
        if not cats:
            continue
        rnd = rounds.save_round(organiser, contest, None, {
            "name": "初评", "categories": cats, "judges_per_entry": 2, "aggregation": "trimmed",
            "advance_rule": "top_n", "advance_value": 3, "blind": True,
            "opens_at": contest.judging_start, "closes_at": contest.judging_end})
        for name, points, guidance in DEMO_CRITERIA:
            rounds.save_criterion(organiser, rnd, None, {"name": name, "max_points": points, "guidance": guidance})
        for cat in cats:
            for judge in judges:
                rounds.add_judge(organiser, rnd, cat, judge)
        judge_assignments.assign_judges(organiser, rnd)
        rounds.open_round(organiser, rnd, now=contest.judging_start)
        still_judging = phase in ("judging", "voting")
        rng = random.Random(rnd.id)
        items = db.session.scalars(select(JudgeAssignment).where(JudgeAssignment.round_id == rnd.id)
                                   .order_by(JudgeAssignment.id)).all()
        during = contest.judging_start + timedelta(hours=2)
        done_by: dict[int, int] = {}
        for item in items:
            done_by[item.judge_id] = done_by.get(item.judge_id, 0) + 1
            if still_judging and item.judge_id == judges[1].id and done_by[item.judge_id] % 2 == 0:
                continue   # 评委李老师 is halfway through
            judge = next(j for j in judges if j.id == item.judge_id)
            values = {str(c.id): round(c.max_points * rng.uniform(0.55, 0.95)) for c in rnd.criteria}
            score_sheets.record_score(judge, item, values, "立意清晰，表达真挚。", final=True, now=during)
        if not still_judging:
            rounds.close_round(organiser, rnd)
            advancement.finalise_round(organiser, rnd)


@writes
def seed_results(programme: Programme, now: datetime) -> None:
    """For each contest whose judging is finalised and whose 公示 has begun:
    one of each prize per category from the ranking, the winner of each
    category recommended to the province; the list publicised, and where the
    results date has passed, published as final."""
    organiser = demo_organiser()
    for contest in programme.contests:
        if organiser is None or not contest.publicity_start or now < contest.publicity_start \
                or results.judging_round(contest) is None:
            continue
        results.save_settings(organiser, contest, {
            "vote_weight": str(contest.vote_weight), "vote_mapping": "rank", "round_id": None,
            "award_counts": {str(c.id): {"first": 1, "second": 1, "third": 1} for c in contest.categories}})
        ranking = results.ranking(contest)
        for cat in contest.categories:
            results.apply_suggestions(organiser, contest, cat)
            top = ranking.get(cat.id, [])[:1]
            if top:
                entry = db.session.get(Entry, top[0].entry_id)
                results.set_recommendation(organiser, contest, entry, True, "主题鲜明，感染力强，传播效果好。")
        days = max(1, (contest.publicity_end - contest.publicity_start).days) if contest.publicity_end else 7
        publicity.set_contact_phone(organiser, contest, DEMO_PUBLICITY_PHONE)
        version = publicity.publish_publicity(organiser, contest, days, now=contest.publicity_start, confirmed=True)
        if contest.results_at and now >= contest.results_at and now >= version.ends_at:
            publicity.publish_final(organiser, contest, now=contest.results_at)


def demo_organiser() -> User | None:
    """网信办组织者, who runs the demo's screening, judging and results."""
    return db.session.scalar(select(User).where(User.phone == "13800000002"))
