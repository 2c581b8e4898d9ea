"""Fixtures for the functional tests of judging."""
import io

import pytest
from PIL import Image

from contest.extensions import db
from contest.services import judge_assignments, rounds, screening, uploads
from tests import factories


@pytest.fixture
def judged(world):
    """An open blind round: two judges, three accepted entries, one of them full of canaries."""
    organiser = world.users["organiser"]
    canary_unit = factories.unit("金丝雀单位", "enterprise", "万山海洋开发试验区")
    author = factories.user(name="金丝雀作者", unit_=canary_unit, phone="13755550000")
    author.district = "万山海洋开发试验区"
    canary = factories.entry(author, world.image_category, title="金丝雀之外的标题", body="", submit=False,
                             authors=None)
    canary.authors[0].name = "金丝雀作者"
    from contest.models import EntryAuthor

    canary.authors.append(EntryAuthor(name="金丝雀合作者", position=1))
    picture = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "金丝雀作者"   # Artist
    Image.new("RGB", (80, 60), "green").save(picture, "JPEG", exif=exif)
    uploads.add_upload(author, canary, io.BytesIO(picture.getvalue()), "金丝雀作者文件.jpg")
    author.birth_date = author.birth_date or __import__("datetime").date(1990, 1, 1)
    from contest.services import entries

    entries.submit_entry(author, canary, pledge=True, licence=True, ip="10.0.0.9")
    others = [factories.image_entry(factories.user(), world.image_category, color=(i * 40, 10, 10))
              for i in range(2)]
    for e in [canary, *others]:
        screening.screen_entry(organiser, e, "accept")
    judges = [world.users["judge"], factories.user("judge", name="第二评委")]
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.image_category], "judges_per_entry": 2, "aggregation": "mean",
        "advance_rule": "top_n", "advance_value": 1, "blind": True})
    rounds.save_criterion(organiser, rnd, None, {"name": "画面", "max_points": 10})
    rounds.save_criterion(organiser, rnd, None, {"name": "立意", "max_points": 10})
    for j in judges:
        rounds.add_judge(organiser, rnd, world.image_category, j)
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    db.session.commit()
    return rnd, judges, canary, others






@pytest.fixture
def voting(world):
    """world.contest in its public vote: five accepted entries, three votes a day each voter."""
    from datetime import timedelta

    from contest.models.timestamps import utcnow
    from tests.functional.test_screening import unique_story

    organiser = world.users["organiser"]
    entries = [world.entry, world.image_entry] + [
        factories.entry(factories.user(name=f"作者{i}"), world.category, title=f"投票作品{i}", body=unique_story(i))
        for i in range(3)]
    for e in entries:
        screening.screen_entry(organiser, e, "accept")
    contest = world.contest
    now = utcnow()
    contest.voting_enabled, contest.votes_per_day = True, 3
    contest.voting_start, contest.voting_end = now - timedelta(hours=1), now + timedelta(days=1)
    db.session.commit()
    return contest, entries
