"""Upload routes take bodies as large as their category allows; every other
route keeps the small app-wide limit."""
import io

from contest.extensions import db
from contest.models import Asset
from tests import factories
from tests.conftest import csrf_token, login


def test_an_upload_route_accepts_more_than_the_app_wide_limit(app, client, world):
    app_limit = app.config["MAX_CONTENT_LENGTH"]
    cat = factories.category(world.contest, code="V", kind="image", max_file_mb=40, max_files=3)
    owner = world.users["entrant"]
    entry = factories.entry(owner, cat, submit=False)
    db.session.commit()
    login(client, owner)
    # A real (large, noisy) PNG bigger than the app-wide cap but under the category's.
    import os

    from PIL import Image
    side = 2600
    img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=0)
    data = buf.getvalue()
    assert app_limit < len(data) < 40 * 2**20
    r = client.post(f"/entries/{entry.id}/files", data={"file": (io.BytesIO(data), "big.png")},
                    headers={"X-CSRFToken": csrf_token(client), "Accept": "application/json"},
                    content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    assert db.session.scalar(db.select(db.func.count(Asset.id)).where(Asset.entry_id == entry.id)) == 1


def test_other_routes_keep_the_app_wide_limit(app, client):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    r = client.post("/account/login", data={"phone": big})
    assert r.status_code == 413
