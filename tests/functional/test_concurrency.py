"""Races decided by the database, on SQLite and on PostgreSQL alike."""
import threading

from contest.extensions import db
from contest.models import User
from tests.conftest import csrf_token


def test_two_simultaneous_sign_ups_with_one_phone_make_one_account(app):
    clients = [app.test_client() for _ in range(4)]
    tokens = [csrf_token(c, "/account/register") for c in clients]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def sign_up(client, token, i):
        barrier.wait()
        r = client.post("/account/register", data={
            "phone": "13712345678", "password": "haowangmin42", "confirm": "haowangmin42",
            "real_name": f"用户{i}", "district": "", "unit": "0", "csrf_token": token})
        statuses.append(r.status_code)

    pairs = enumerate(zip(clients, tokens, strict=True))
    threads = [threading.Thread(target=sign_up, args=(c, t, i)) for i, (c, t) in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 200, 302], statuses  # one account, three clear refusals
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1
