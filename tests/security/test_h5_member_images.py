"""Pictures inside an H5 package are served without their EXIF (a blind
judge sees the package through the sandbox)."""
import io
import zipfile

from PIL import Image

from contest.extensions import db
from contest.services import entries, uploads
from tests import factories


def test_package_pictures_are_served_without_exif(app, client, world):
    exif = Image.Exif()
    exif[0x013B] = "金丝雀作者"      # Artist
    exif[0x010F] = "金丝雀相机"      # Make
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(photo, "JPEG", exif=exif)
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("index.html", "<img src='p.jpg'>")
        z.writestr("p.jpg", photo.getvalue())
        z.writestr("fake.png", b"<script>alert(1)</script>")
    h5 = factories.category(world.contest, code="H", kind="h5", name="H5组", min_chars=None, max_chars=None)
    owner = factories.user()
    entry = entries.start_entry(owner, h5)
    asset = uploads.add_upload(owner, entry, io.BytesIO(package.getvalue()), "h5.zip")
    db.session.commit()
    from contest.h5_links import h5_frame_url

    with app.test_request_context():
        url = h5_frame_url(asset).rsplit("/", 1)[0]
    r = client.get(f"{url}/p.jpg")
    assert r.status_code == 200 and r.mimetype == "image/jpeg"
    assert b"\xe9\x87\x91\xe4\xb8\x9d\xe9\x9b\x80" not in r.data    # 金丝雀 in UTF-8
    with Image.open(io.BytesIO(r.data)) as img:
        assert not img.getexif()
    assert client.get(f"{url}/fake.png").status_code == 404
    assert "sandbox allow-scripts" in client.get(f"{url}/index.html").headers["Content-Security-Policy"]
