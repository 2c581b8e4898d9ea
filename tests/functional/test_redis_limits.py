"""With Redis configured, rate-limit counts live in Redis, where every worker
process sees them (memory:// counts are per process)."""
import uuid

import pytest
import redis

from contest.extensions import limiter
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def redis_app(make_app, redis_url):
    prefix = f"contest-test-{uuid.uuid4().hex[:10]}"
    limiter._key_prefix = ""  # the limiter keeps the first app's prefix otherwise
    app = make_app(RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=prefix)
    server = redis.Redis.from_url(redis_url)
    yield app, server, prefix
    for key in server.scan_iter(f"*{prefix}*"):
        server.delete(key)
    server.close()


def test_login_limits_are_counted_in_redis_and_shared(redis_app):
    app, server, prefix = redis_app
    factories.user(phone="13712345678", password="haowangmin42")
    # Two "workers": separate clients, one shared store.
    workers = [app.test_client(), app.test_client()]
    codes = []
    for i in range(6):
        client = workers[i % 2]
        codes.append(client.post("/account/login", data={
            "phone": "13712345678", "password": f"wrong-{i}-x",
            "csrf_token": csrf_token(client, "/account/login")}).status_code)
    assert codes == [200] * 5 + [429]
    keys = [k.decode() for k in server.scan_iter(f"*{prefix}*")]
    account_keys = [k for k in keys if "login-account:13712345678" in k]
    assert account_keys, keys
    # Every attempt was counted there, the refused sixth included.
    assert int(server.get(account_keys[0])) == 6


def test_vote_counts_per_address_and_account_live_in_redis(voting, make_app, redis_url):
    """The captcha's count of votes from one address is shared by every worker."""
    from tests.conftest import login

    contest, entries = voting
    prefix = f"contest-test-{uuid.uuid4().hex[:10]}"
    limiter._key_prefix = ""
    app = make_app(RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=prefix, VOTE_CAPTCHA_AFTER="2 per hour")
    server = redis.Redis.from_url(redis_url)
    try:
        voters = [factories.user() for _ in range(3)]
        from contest.extensions import db

        db.session.commit()
        statuses = []
        for i, voter in enumerate(voters):
            client = app.test_client()   # each voter on a different "worker"
            login(client, voter)
            token = csrf_token(client, f"/vote/{contest.slug}")
            statuses.append(client.post(f"/vote/{contest.slug}/{entries[i].number}", json={},
                                        headers={"X-CSRFToken": token}).status_code)
        assert statuses == [200, 200, 428]
        keys = [k.decode() for k in server.scan_iter(f"*{prefix}*")]
        assert any("vote-address" in k for k in keys) and any(f"vote-account/{voters[0].id}/" in k for k in keys), keys
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
        server.close()
