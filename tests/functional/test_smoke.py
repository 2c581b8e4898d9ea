from tests.conftest import csrf_token


def test_home_and_contest_pages(client, world):
    assert client.get("/").status_code == 200
    r = client.get(f"/contests/{world.contest.slug}")
    assert r.status_code == 200
    assert world.contest.title in r.get_data(as_text=True)
    assert csrf_token(client)
