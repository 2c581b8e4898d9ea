"""The XSS list through the story editor: what is stored and what is shown
holds nothing that runs."""
import json

import pytest

from contest.extensions import db
from contest.models import Entry
from tests import factories
from tests.conftest import csrf_token, login
from tests.html_elements import assert_only_allowed, elements

PAYLOADS = [
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<form><button formaction="javascript:alert(1)">x</button></form>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<a href="https://ok.example/" onclick="alert(1)">ok</a>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    '"><script>alert(document.cookie)</script>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_story_body_is_stored_and_shown_clean(client, world, payload):
    owner = factories.user()
    draft = factories.entry(owner, world.category, submit=False)
    db.session.commit()
    login(client, owner)
    r = client.post(f"/entries/{draft.id}/autosave",
                    data=json.dumps({"version": draft.version, "title": payload, "body": "<p>正文</p>" + payload}),
                    headers={"X-CSRFToken": csrf_token(client), "Content-Type": "application/json"})
    assert r.status_code == 200
    stored = db.session.get(Entry, draft.id)
    assert_only_allowed(stored.body)
    page = client.get(f"/entries/{draft.id}").get_data(as_text=True)
    reading = page.split('class="rich reading">', 1)[1].split("</div>", 1)[0]
    assert_only_allowed(reading)
    # The whole page: no handler attribute anywhere, no script but the site's own files.
    for tag, attrs in elements(page):
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
