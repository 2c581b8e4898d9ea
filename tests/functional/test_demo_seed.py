from pathlib import Path

import pytest

from contest.database import writes_must_be_declared
from contest.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from contest.extensions import db
from contest.models import Category, Contest, Programme, Unit, User
from contest.models.timestamps import utcnow
from contest.phases import SHANGHAI, shanghai_year
from contest.services import accounts, contests
from tests import snapshot

REQUIRED_UNITS = {
    "市委网信办", "市教育局", "市总工会", "团市委", "市妇联", "中国人民银行珠海中心支行", "珠海传媒集团",
    "香洲区委网信办", "金湾区委网信办", "斗门区委网信办", "横琴新区网信办", "市级网络社会组织",
}
ACTIVITIES = {
    "珠海好网民故事征集", "网聚职工正能量 争做中国好网民", "珠海好青年", "扶贫攻坚 幸福小康 网络主题采风",
    "网络正能量 评比展示", "网络文化精品", "小康路上她力量 短视频", '我在战"疫"中成长 征文',
    "提升金融素养 争做金融好网民", "最美巾帼奋斗者 故事宣传展播",
}


def _count(model):
    return db.session.scalar(db.select(db.func.count(model.id)))


@pytest.fixture(scope="module")
def seeded_once(app, tmp_path_factory):
    """`flask seed-demo` run once for the module on empty tables: its output
    and what it built (rows and files)."""
    upload_dir = Path(app.config["UPLOAD_DIR"])
    with app.app_context():
        with writes_must_be_declared():   # every write the seeding makes says so
            result = app.test_cli_runner().invoke(args=["seed-demo"])
        built = snapshot.take(upload_dir, tmp_path_factory.mktemp("demo") / "uploads")
        db.session.remove()
        snapshot.clear_tables()
    snapshot.clear_dir(upload_dir)
    return result, built


@pytest.fixture
def seeded(app, seeded_once):
    """The demo as `flask seed-demo` left it, in this test's database; the command's result."""
    result, built = seeded_once
    snapshot.restore(built, Path(app.config["UPLOAD_DIR"]))
    return result


def test_seed_demo_builds_2020_and_this_year_with_every_phase(app, seeded):
    result = seeded
    assert result.exit_code == 0, result.output
    assert "13800000001" in result.output and DEMO_PASSWORD in result.output

    names = set(db.session.scalars(db.select(Unit.name)))
    assert REQUIRED_UNITS <= names
    programmes = list(db.session.scalars(db.select(Programme).order_by(Programme.year)))
    assert [p.year for p in programmes] == [2020, shanghai_year(utcnow())]
    assert programmes[0].title == "珠海市2020年争做中国好网民工程"
    for p in programmes:
        assert {c.title for c in p.contests} == ACTIVITIES
    assert {contests.phase(c) for c in programmes[0].contests if not c.showcase_only} == {"published"}
    this_year = {contests.phase(c) for c in programmes[1].contests}
    assert {"collecting", "screening", "judging", "voting", "publicity", "published"} <= this_year

    stories = next(c for c in programmes[0].contests if c.title == "珠海好网民故事征集")
    assert stories.recommended_to == "南粤好网民故事" and stories.code == "GS20"
    culture = next(c for c in programmes[1].contests if c.title == "网络文化精品")
    assert {cat.kind for cat in culture.categories} >= {"audio", "video", "h5"}
    selection = next(c for c in programmes[1].contests if c.title == "网络正能量 评比展示")
    assert {cat.kind for cat in selection.categories} == {"nomination"}
    youth = next(c for c in programmes[1].contests if c.title == "珠海好青年")
    assert youth.lead_unit.name == "团市委"

    for phone, _name, role, unit in DEMO_ACCOUNTS:
        user = accounts.authenticate(phone, DEMO_PASSWORD)
        assert user is not None and user.has_role(role)
        if unit:
            assert unit in {g.unit.name for g in user.grants if g.unit}


def test_seed_demo_twice_changes_nothing(app, seeded):
    runner = app.test_cli_runner()
    counts = [_count(m) for m in (Unit, User, Programme, Contest, Category)]
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "nothing seeded" in again.output
    assert "13800000001" in again.output  # the accounts are still shown
    assert [_count(m) for m in (Unit, User, Programme, Contest, Category)] == counts


def test_demo_pages_render(app, client, seeded):
    for c in db.session.scalars(db.select(Contest)):
        r = client.get(f"/contests/{c.slug}")
        assert r.status_code == 200 and c.title.replace('"', "&#34;") in r.get_data(as_text=True)
    assert "珠海市2020年争做中国好网民工程" in client.get("/archive").get_data(as_text=True)


def test_seed_demo_refuses_production_without_force(app):
    app.config["ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.config["ENV"] = "testing"
    assert result.exit_code != 0 and "--force" in result.output
    assert _count(User) == 0 and _count(Programme) == 0


def test_seed_demo_brings_entries_for_each_phase(app, client, seeded):
    from contest.models import Entry, EntryFlag

    year = shanghai_year(utcnow())
    current = db.session.scalar(db.select(Programme).where(Programme.year == year))
    by_phase = {}
    for c in current.contests:
        statuses = {e.status for e in db.session.scalars(db.select(Entry).where(Entry.contest_id == c.id))}
        by_phase.setdefault(contests.phase(c), set()).update(statuses)
    assert {"submitted", "returned"} <= by_phase["screening"]
    assert "accepted" in by_phase["judging"] and "submitted" not in by_phase["judging"]
    # 网民王小明 finds one submitted entry and one draft under 我的作品.
    me = db.session.scalar(db.select(User).where(User.phone == "13800000010"))
    assert sorted(e.status for e in db.session.scalars(db.select(Entry).where(Entry.owner_id == me.id))) == \
        ["draft", "submitted"]
    # Flags show as they would in real use: a sensitive term here and there, no false duplicates.
    kinds = [f.kind for f in db.session.scalars(db.select(EntryFlag))]
    assert "sensitive" in kinds and "similar_text" not in kinds and "same_file" not in kinds
    # Every picture of the demo is served to its organiser.
    from contest.models import Asset
    from tests.conftest import login

    organiser = db.session.scalar(db.select(User).where(User.phone == "13800000002"))
    mine = organiser.unit_ids_for("organiser")
    assets = [a for a in db.session.scalars(db.select(Asset)) if mine & a.entry.contest.organiser_unit_ids]
    assert assets
    login(client, organiser)
    response = client.get(f"/files/{assets[0].id}/thumb")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    response.close()


def test_seed_demo_brings_judging_in_every_state(app, client, seeded):
    from contest.models import JudgeAssignment, Round

    states = {r.state for r in db.session.scalars(db.select(Round))}
    assert {"open", "finalised"} <= states
    judge = db.session.scalar(db.select(User).where(User.phone == "13800000006"))
    open_round = db.session.scalars(db.select(Round).where(Round.state == "open").order_by(Round.id)).first()
    mine = db.session.scalars(db.select(JudgeAssignment).where(
        JudgeAssignment.judge_id == judge.id, JudgeAssignment.round_id == open_round.id)).all()
    scored = sum(1 for a in mine if a.state == "scored")
    assert 0 < scored < len(mine)   # 评委李老师 is halfway through
    from tests.conftest import login

    login(client, judge)
    page = client.get(f"/judge/rounds/{open_round.id}").get_data(as_text=True)
    assert f"已评 {scored} / {len(mine)}" in page


def test_seed_demo_brings_a_public_vote_with_patterns_to_review(app, client, seeded):
    from contest.models import Vote, VoteFlag
    from contest.services import votes
    from tests.conftest import login

    voting = next(c for c in db.session.scalars(db.select(Contest)) if contests.phase(c) == "voting")
    result = votes.recount(voting)
    assert sum(result.counted.values()) > 100 and result.broken_at is None and not result.drift
    rules = set(db.session.scalars(db.select(VoteFlag.rule).where(VoteFlag.contest_id == voting.id)))
    assert {"rapid_multi_entry", "ip_prefix_burst", "signup_burst"} <= rules
    assert db.session.scalar(db.select(db.func.count(Vote.id)).where(Vote.status == "suspect")) > 0
    organiser = db.session.scalar(db.select(User).where(User.phone == "13800000002"))
    login(client, organiser)
    page = client.get(f"/console/contests/{voting.id}/votes/flags")
    assert page.status_code == 200 and "快速连投" in page.get_data(as_text=True)
    assert client.get(f"/vote/{voting.slug}").status_code == 200


def test_seed_demo_brings_published_results_and_a_showcase(app, client, seeded):
    from contest.models import ResultVersion

    published = next(c for c in db.session.scalars(db.select(Contest)) if contests.phase(c) == "published"
                     and c.programme.year != 2020)
    kinds = db.session.scalars(db.select(ResultVersion.kind).where(ResultVersion.contest_id == published.id)
                               .order_by(ResultVersion.number)).all()
    assert kinds == ["publicity", "final"]
    page = client.get(f"/showcase/{published.slug}").get_data(as_text=True)
    assert "一等奖" in page
    assert client.get(f"/showcase/year/{published.programme.year}").status_code == 200


def test_every_demo_contest_in_publicity_or_published_has_the_results_it_shows(app, client, seeded):
    from contest.models import ResultVersion, Round

    year = shanghai_year(utcnow())
    current = db.session.scalar(db.select(Programme).where(Programme.year == year))
    shown = [c for c in current.contests if contests.phase(c) in ("publicity", "published")]
    assert {contests.phase(c) for c in shown} == {"publicity", "published"}
    for c in shown:
        rounds = db.session.scalars(db.select(Round.state).where(Round.contest_id == c.id)).all()
        versions = db.session.scalars(db.select(ResultVersion.kind).where(ResultVersion.contest_id == c.id)).all()
        assert "finalised" in rounds, c.title
        assert "publicity" in versions, c.title
    her = next(c for c in current.contests if c.title == "小康路上她力量 短视频")
    assert contests.phase(her) not in ("publicity", "published")
    organiser = db.session.scalar(db.select(User).where(User.phone == "13800000002"))
    from tests.conftest import login

    login(client, organiser)
    assert client.get("/console/").status_code == 200


def test_demo_entry_histories_are_dated_as_they_happened(app, client, seeded):
    from contest.models import Entry, EntryEvent

    now = utcnow()
    checked = 0
    for entry in db.session.scalars(db.select(Entry).where(Entry.submitted_at.is_not(None)).order_by(Entry.id)):
        events = db.session.scalars(db.select(EntryEvent).where(EntryEvent.entry_id == entry.id)
                                    .order_by(EntryEvent.id)).all()
        times = [e.created_at for e in events]
        assert times == sorted(times) and times[-1] <= now, entry.number
        [sent] = [e for e in events if e.to_status == "submitted"]
        assert sent.created_at == entry.submitted_at, entry.number
        assert entry.created_at <= entry.submitted_at, entry.number
        checked += 1
    assert checked > 50
    # What the entrant reads: 提交于 and the history agree on the day.
    stories_2020 = db.session.scalars(db.select(Entry).join(Contest).join(Programme)
                                      .where(Programme.year == 2020, Entry.status == "accepted")
                                      .order_by(Entry.id)).first()
    owner = stories_2020.owner
    from tests.conftest import login

    login(client, owner)
    page = client.get(f"/entries/{stories_2020.id}").get_data(as_text=True)
    history = page.split('class="timeline"')[1]
    assert "2020-05-03" in history and utcnow().astimezone(SHANGHAI).strftime("%Y-%m-%d") not in history


def test_seed_demo_brings_a_showcase_only_contest(app, client, seeded):
    from contest.models import Entry, Round

    year = shanghai_year(utcnow())
    for programme in db.session.scalars(db.select(Programme).order_by(Programme.year)):
        [women] = [c for c in programme.contests if c.showcase_only]
        assert women.title == "最美巾帼奋斗者 故事宣传展播" and women.lead_unit.name == "市妇联"
        assert contests.phase(women) == "showcase" and not women.voting_enabled and women.judging_start is None
        assert not db.session.scalars(db.select(Round).where(Round.contest_id == women.id)).all()
        shown = db.session.scalars(db.select(Entry).where(Entry.contest_id == women.id, Entry.status == "accepted")
                                   .order_by(Entry.number)).all()
        assert shown, programme.year
        page = client.get(f"/showcase/{women.slug}").get_data(as_text=True)
        assert "展播作品" in page and all(e.title in page for e in shown)
    assert year == programme.year
