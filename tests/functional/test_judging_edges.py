"""Edges of judging and screening found in review, each pinned by a test."""
import io

import pytest

from contest.extensions import db
from contest.models import Entry, EntryEvent, SensitiveTerm
from contest.services import judge_assignments, round_results, rounds, score_sheets, screening, screening_flags, uploads
from contest.services.errors import ServiceError
from tests import factories
from tests.conftest import csrf_token, login


def test_a_judge_cannot_open_the_entrants_status_page(client, judged):
    rnd, judges, canary, _others = judged
    login(client, judges[0])
    assert client.get(f"/entries/{canary.id}").status_code == 404


def test_an_unfinished_upload_leaves_no_temporary_file(app, client, world):
    from pathlib import Path

    login(client, world.users["entrant"])
    token = csrf_token(client)
    body = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
            b"Content-Type: image/png\r\n\r\n" + b"\x89PNG" + b"A" * 200_000)   # never closed
    r = client.post(f"/entries/{world.image_entry.id}/files", data=body,
                    headers={"X-CSRFToken": token, "Content-Type": "multipart/form-data; boundary=B"})
    assert r.status_code in (400, 413, 422)
    scratch = Path(app.config["UPLOAD_DIR"]) / "tmp"
    assert not scratch.exists() or not list(scratch.iterdir())


def test_a_changed_panel_needs_a_new_assignment(judged):
    rnd, judges, _canary, _others = judged
    organiser = factories.user("organiser", factories.unit("市委网信办"))
    rnd.state = "draft"
    rounds.remove_judge(organiser, rnd.panel[0])
    with pytest.raises(ServiceError):
        rounds.open_round(organiser, rnd)


def test_all_panel_judges_with_nobody_free_of_conflict_is_refused(world):
    organiser = world.users["organiser"]
    judge = factories.user("judge", world.other_unit, name="同单位评委")
    author = factories.user(name="作者", unit_=world.other_unit)
    e = factories.image_entry(author, world.image_category, color=(1, 1, 1))
    screening.screen_entry(organiser, e, "accept")
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "终评", "categories": [world.image_category], "judges_per_entry": None, "aggregation": "mean",
        "advance_rule": "manual"})
    rounds.add_judge(organiser, rnd, world.image_category, judge)
    with pytest.raises(judge_assignments.AssignmentImpossible) as caught:
        judge_assignments.assign_judges(organiser, rnd)
    assert e.number in caught.value.message


def test_screening_cannot_change_once_judging_has_the_entry(world, judged):
    rnd, judges, canary, _others = judged
    with pytest.raises(ServiceError):
        screening.screen_entry(world.users["organiser"], canary, "return", "再改改")
    assert db.session.get(Entry, canary.id).status == "accepted"


def test_an_edited_entry_that_is_no_longer_complete_goes_back_to_draft(world):
    entry = world.image_entry
    owner = entry.owner
    uploads.remove_upload(owner, entry.assets[0])
    assert entry.status == "draft"
    assert db.session.scalars(db.select(EntryEvent).where(EntryEvent.entry_id == entry.id)
                              .order_by(EntryEvent.id)).all()[-1].to_status \
        == "draft"
    # Adding a picture does not submit it again by itself.
    uploads.add_upload(owner, entry, io.BytesIO(factories.png_bytes()), "新图.png")
    assert entry.status == "draft"


def test_a_blank_version_is_version_zero(client, judged):
    rnd, judges, _canary, _others = judged
    item = factories.assignments_of(judges[0], rnd)[0]
    c1, c2 = rnd.criteria
    score_sheets.record_score(judges[0], item, {str(c1.id): 9, str(c2.id): 9}, final=True)
    db.session.commit()
    login(client, judges[0])
    r = client.post(f"/judge/assignments/{item.id}/score", data={
        f"c{c1.id}": "1", f"c{c2.id}": "1", "final": "1", "version": "",
        "csrf_token": csrf_token(client, f"/judge/assignments/{item.id}")})
    assert r.status_code == 302
    assert db.session.get(type(item), item.id).score.values[str(c1.id)] == 9


def test_a_minimum_score_is_reached_despite_float_noise(world):
    organiser = world.users["organiser"]
    judge = factories.user("judge", name="评委")
    e = factories.image_entry(factories.user(), world.image_category, color=(5, 5, 5))
    screening.screen_entry(organiser, e, "accept")
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.image_category], "judges_per_entry": 1, "aggregation": "mean",
        "advance_rule": "min_score", "advance_value": 60})
    for name, weight in (("甲", 3), ("乙", 3), ("丙", 4)):
        rounds.save_criterion(organiser, rnd, None, {"name": name, "max_points": 10, "weight": weight})
    rounds.add_judge(organiser, rnd, world.image_category, judge)
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    a, b, c = rnd.criteria
    item = factories.assignments_of(judge, rnd)[0]
    score_sheets.record_score(judge, item, {str(a.id): 5.5, str(b.id): 8.5, str(c.id): 4.5}, final=True)
    [row] = round_results.preview_advancement(rnd)
    assert row["score"] != 60 and row["score"] == pytest.approx(60) and row["advance"] is True


def test_ranks_are_within_each_category(world):
    organiser = world.users["organiser"]
    judge = factories.user("judge", name="评委")
    stories = [factories.entry(factories.user(), world.category, body=f"<p>{'独一无二的故事' * 130}{i}</p>")
               for i in range(2)]
    pictures = [world.image_entry]
    for e in stories + pictures:
        screening.screen_entry(organiser, e, "accept")
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.category, world.image_category], "judges_per_entry": 1,
        "aggregation": "mean", "advance_rule": "top_n", "advance_value": 1})
    rounds.save_criterion(organiser, rnd, None, {"name": "综合", "max_points": 10})
    for cat in rnd.categories:
        rounds.add_judge(organiser, rnd, cat, judge)
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    points = {stories[0].id: 9, stories[1].id: 6, pictures[0].id: 3}
    for item in factories.assignments_of(judge, rnd):
        score_sheets.record_score(judge, item, {str(rnd.criteria[0].id): points[item.entry_id]}, final=True)
    rows = round_results.preview_advancement(rnd)
    by_id = {r["entry"].id: r for r in rows}
    assert by_id[pictures[0].id]["rank"] == 1 and by_id[pictures[0].id]["advance"] is True
    assert by_id[stories[1].id]["rank"] == 2 and by_id[stories[1].id]["advance"] is False


def test_a_unit_cannot_remove_another_units_watched_words(world):
    term = world.term
    term.created_by_id = world.users["organiser"].id
    db.session.commit()
    with pytest.raises(ServiceError):
        screening_flags.remove_term(world.users["organiser_other"], term)
    screening_flags.remove_term(world.users["organiser"], term)
    assert db.session.get(SensitiveTerm, term.id) is None
