"""With Redis configured, rate-limit counts live in Redis, where every worker
process sees them (memory:// counts are per process). The Redis app is built
in a process of its own (tests/app_process.py): the limiter of this one keeps
the session app's memory:// storage."""
import uuid

import pytest
import redis

from contest.extensions import db
from tests import app_process, factories
from tests.conftest import csrf_token


@pytest.fixture
def redis_prefix(redis_url):
    prefix = f"contest-test-{uuid.uuid4().hex[:10]}"
    server = redis.Redis.from_url(redis_url)
    yield server, prefix
    for key in server.scan_iter(f"*{prefix}*"):
        server.delete(key)
    server.close()


def six_wrong_logins(app, phone):
    """In the Redis app's process: six wrong passwords, on two "workers"
    (separate clients, one shared store)."""
    workers = [app.test_client(), app.test_client()]
    codes = []
    for i in range(6):
        client = workers[i % 2]
        codes.append(client.post("/account/login", data={
            "phone": phone, "password": f"wrong-{i}-x",
            "csrf_token": csrf_token(client, "/account/login")}).status_code)
    return codes


def one_vote_each(app, slug, voters, numbers):
    """In the Redis app's process: each voter votes once, on a "worker" of its own."""
    statuses = []
    for voter_login, number in zip(voters, numbers, strict=True):
        client = app.test_client()   # each voter on a different "worker"
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = voter_login, True
        token = csrf_token(client, f"/vote/{slug}")
        statuses.append(client.post(f"/vote/{slug}/{number}", json={}, headers={"X-CSRFToken": token}).status_code)
    return statuses


def test_login_limits_are_counted_in_redis_and_shared(database, upload_dir, redis_url, redis_prefix):
    server, prefix = redis_prefix
    factories.user(phone="13712345678", password="haowangmin42")
    db.session.commit()
    codes = app_process.run(database, upload_dir, f"{__name__}:six_wrong_logins",
                            {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": prefix}, phone="13712345678")
    assert codes == [200] * 5 + [429]
    keys = [k.decode() for k in server.scan_iter(f"*{prefix}*")]
    account_keys = [k for k in keys if "login-account:13712345678" in k]
    assert account_keys, keys
    # Every attempt was counted there, the refused sixth included.
    assert int(server.get(account_keys[0])) == 6


def test_vote_counts_per_address_and_account_live_in_redis(voting, database, upload_dir, redis_url, redis_prefix):
    """The captcha's count of votes from one address is shared by every worker."""
    server, prefix = redis_prefix
    contest, entries = voting
    voters = [factories.user() for _ in range(3)]
    db.session.commit()
    statuses = app_process.run(
        database, upload_dir, f"{__name__}:one_vote_each",
        {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": prefix, "VOTE_CAPTCHA_AFTER": "2 per hour"},
        slug=contest.slug, voters=[v.get_id() for v in voters], numbers=[e.number for e in entries[:3]])
    assert statuses == [200, 200, 428]
    keys = [k.decode() for k in server.scan_iter(f"*{prefix}*")]
    assert any("vote-address" in k for k in keys) and any(f"vote-account/{voters[0].id}/" in k for k in keys), keys
