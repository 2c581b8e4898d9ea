"""A term added to the sensitive-word list reaches the entries already submitted."""
from contest.extensions import db
from contest.models import AuditEvent, Entry, EntryFlag
from tests import factories
from tests.conftest import csrf_token, login

BODY = "<p>" + "正常的文字内容，" * 100 + "有人说可以帮忙代写材料，被我拒绝了。" + "</p>"


def _sensitive(entry_id):
    return db.session.scalars(db.select(EntryFlag).where(EntryFlag.entry_id == entry_id,
                                                         EntryFlag.kind == "sensitive")).all()


def test_adding_a_term_flags_entries_already_submitted(client, world):
    hit = factories.entry(factories.user(), world.category, body=BODY)
    both = factories.entry(factories.user(), world.category,
                           body=BODY.replace("</p>", "这里还有违禁词。</p>"))
    draft = factories.entry(factories.user(), world.category, body=BODY, submit=False)
    db.session.commit()
    assert not _sensitive(hit.id)
    assert [m["term"] for f in _sensitive(both.id) for m in f.details["matches"]] == ["违禁词"]

    login(client, world.users["organiser"])
    token = csrf_token(client, "/console/sensitive-terms")
    r = client.post("/console/sensitive-terms", data={"reason": "代写\n违禁词", "csrf_token": token},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    # world.entry, world.image_entry, hit and both were submitted; the draft is not read.
    assert "已添加1个敏感词" in page and "重新检查已提交作品4件" in page and "其中2件含有新增词语，已标记" in page

    [flag] = _sensitive(hit.id)
    match = flag.details["matches"][0]
    assert match["term"] == "代写" and match["before"].endswith("有人说可以帮忙") and match["after"].startswith("材料")
    assert db.session.get(Entry, hit.id).flagged
    # An entry flagged before keeps one flag, now naming both terms.
    [flag] = _sensitive(both.id)
    assert sorted(m["term"] for m in flag.details["matches"]) == ["代写", "违禁词"]
    assert not _sensitive(draft.id) and not db.session.get(Entry, draft.id).flagged
    assert not db.session.get(Entry, world.entry.id).flagged
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "sensitive_terms.rescan"))
    assert event.details == {"terms": ["代写"], "scanned": 4, "flagged": 2}


def test_no_new_term_scans_nothing(client, world):
    login(client, world.users["organiser"])
    token = csrf_token(client, "/console/sensitive-terms")
    page = client.post("/console/sensitive-terms", data={"reason": "违禁词", "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "已添加0个敏感词" in page and "重新检查已提交作品0件" in page
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "sensitive_terms.rescan")) is None
