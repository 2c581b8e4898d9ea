from contest.extensions import db
from tests import factories

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(1)>'


def test_user_text_is_escaped_and_user_html_is_sanitised(client, world):
    c = world.contest
    c.title = "标题" + PAYLOAD
    c.theme = PAYLOAD
    db.session.commit()
    cat = factories.category(c, code="X", name="组别" + PAYLOAD)
    assert cat.id
    from contest.services import contests

    contests.save_contest(None, c, {**factories.contest_values(c.programme, c.lead_unit),
                                    "code": c.code, "slug": c.slug, "title": c.title,
                                    "description": "<p>ok</p>" + PAYLOAD})
    db.session.commit()
    html = client.get(f"/contests/{c.slug}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html and "<img src=\"x\" onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title, escaped
    assert "<p>ok</p>" in html


def test_real_name_is_escaped_in_the_header(client):
    from tests.conftest import login

    user = factories.user(name="<b>粗体</b>")
    login(client, user)
    html = client.get("/").get_data(as_text=True)
    assert "<b>粗体</b>" not in html and "&lt;b&gt;粗体&lt;/b&gt;" in html
