"""With Redis configured, rate-limit counts live in Redis, where every worker
process sees them (memory:// counts are per process). The Redis app is built
in a process of its own (tests/app_process.py): the limiter of this one keeps
the session app's memory:// storage."""
import uuid

import pytest
import redis
from limits import parse_many

from contest.extensions import db, limiter
from contest.vote import limits
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


def counted_together(app):
    """In the Redis app's process: four votes' counters counted by hit_all
    (one round trip), then what the limiter's own strategy reads of them."""
    app.config.update(VOTE_LIMIT_PER_ACCOUNT="3 per minute;10 per hour", VOTE_LIMIT_PER_IP="2 per minute")
    with app.test_request_context():
        answers = [limits.hit_all(("VOTE_LIMIT_PER_ACCOUNT", ("vote-account", "7")),
                                  ("VOTE_LIMIT_PER_IP", ("vote-ip", "x"))) for _ in range(4)]
        prefix = app.config["RATELIMIT_KEY_PREFIX"]
        remaining = [limiter.limiter.get_window_stats(item, prefix, "vote-account", "7").remaining
                     for item in parse_many(app.config["VOTE_LIMIT_PER_ACCOUNT"])]
        # limits' own hit goes on counting the same keys.
        one_more = limiter.limiter.hit(parse_many("10 per hour")[0], prefix, "vote-account", "7")
        after = limiter.limiter.get_window_stats(parse_many("10 per hour")[0], prefix, "vote-account", "7").remaining
    return {"answers": answers, "remaining": remaining, "one_more": one_more, "after": after}


def test_a_votes_counters_counted_together_are_the_limiters_own(database, upload_dir, redis_url, redis_prefix):
    server, prefix = redis_prefix
    seen = app_process.run(database, upload_dir, f"{__name__}:counted_together",
                           {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": prefix})
    # Per pair: every limit of its setting must hold (3/min and 10/h per account; 2/min per address).
    assert seen["answers"] == [[True, True], [True, True], [True, False], [False, False]]
    assert seen["remaining"] == [0, 6]
    assert seen["one_more"] is True and seen["after"] == 5
    keys = [k.decode() for k in server.scan_iter(f"*{prefix}*")]
    assert len(keys) == 3, keys
    # Each key expires with its window, as the limiter's own script sets it.
    assert all(0 < server.ttl(k) <= 3600 for k in keys)
    assert sorted(server.ttl(k) <= 60 for k in keys) == [False, True, True]


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
