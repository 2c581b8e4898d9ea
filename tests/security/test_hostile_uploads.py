"""Hostile files, built here in code, posted through the real upload route.
Each refused file gets a 4xx with a Chinese message and leaves no stored file,
no temp file and no Asset row; the one hostile-but-valid JPEG is accepted and
stored clean. Positive controls keep the corpus honest."""
from __future__ import annotations

import hashlib
import io
import re
import stat
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image, ImageCms

from contest.extensions import db
from contest.models import Asset
from tests import factories
from tests.conftest import csrf_token, login

CJK = re.compile(r"[\u4e00-\u9fff]")
SCRIPT = b"<script>alert(1)</script>"


# --- helpers -----------------------------------------------------------------

def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file())


def tmp_files(app) -> list[Path]:
    scratch = Path(app.config["UPLOAD_DIR"]) / "tmp"
    return list(scratch.rglob("*")) if scratch.exists() else []


def asset_count() -> int:
    return db.session.scalar(db.select(db.func.count(Asset.id)))


def start_draft(client, contest, category) -> tuple[int, str]:
    """A fresh entrant logged in on `client` with a draft in `category`:
    (entry id, CSRF token)."""
    form = {"category": category.id}
    if category.kind == "nomination":  # nominations are made by units
        unit = factories.unit("珠海市第一中学", "school", "香洲区")
        login(client, factories.user("unit_admin", unit, name="推荐单位管理员"))
        form.update(on_behalf="1", authors="被推荐人")
    else:
        login(client, factories.user(name="上传者"))
    token = csrf_token(client)
    response = client.post(f"/contests/{contest.slug}/entries", data={**form, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    match = re.search(r"/entries/(\d+)/edit$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1)), token


def post_file(client, entry_id: int, token: str, data: bytes, name: str):
    return client.post(f"/entries/{entry_id}/files", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data",
                       headers={"X-CSRFToken": token, "Accept": "application/json"})


def upload(client, contest, category, data: bytes, name: str):
    entry_id, token = start_draft(client, contest, category)
    return post_file(client, entry_id, token, data, name)


def assert_refused(app, response, files_before, assets_before, status=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    if status is not None:
        assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body is not None and body["ok"] is False
    assert body["message"] and CJK.search(body["message"]), body
    assert asset_count() == assets_before
    assert stored_files(app) == files_before
    assert tmp_files(app) == []


def refuse(app, client, contest, category, data: bytes, name: str, status=None):
    """Post a file that must be refused and check nothing was left."""
    files_before, assets_before = stored_files(app), asset_count()
    response = upload(client, contest, category, data, name)
    assert_refused(app, response, files_before, assets_before, status)
    return response


# --- hostile files -----------------------------------------------------------

def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + _png_chunk(b"IEND", b""))


def really_large_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (9000, 9000), 1).save(out, "PNG")  # 81 MP, one colour: ~30 kB
    return out.getvalue()


def noisy(fmt: str, size=(256, 256)) -> bytes:
    img = Image.frombytes("RGB", size, bytes(range(256)) * (size[0] * size[1] * 3 // 256))
    img = img.rotate(33)
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def truncated(fmt: str) -> bytes:
    data = noisy(fmt)
    return data[: len(data) // 2]


def saved_as(fmt: str, **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, fmt, **options)
    return out.getvalue()


GIF_JS_POLYGLOT = (b"GIF89a/*\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
                   b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;*/=alert(document.cookie);")
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>')
HTML = b"<!DOCTYPE html><html><body><script>fetch('/me/entries').then(r=>r.text())</script></body></html>"

BAD_IMAGES = {
    "header-claims-20000x20000": (lambda: png_claiming(20000, 20000), "huge.png"),
    "truncated-jpeg": (lambda: truncated("JPEG"), "cut.jpg"),
    "truncated-png": (lambda: truncated("PNG"), "cut.png"),
    "html-named-png": (lambda: HTML, "page.png"),
    "gif-js-polyglot": (lambda: GIF_JS_POLYGLOT, "poly.gif"),
    "svg-script-named-svg": (lambda: SVG, "x.svg"),
    "svg-script-named-png": (lambda: SVG, "x.png"),
    "tiff-named-jpg": (lambda: saved_as("TIFF"), "photo.jpg"),
    "eps-named-jpg": (lambda: saved_as("EPS"), "photo.jpg"),
}


@pytest.mark.parametrize("case", list(BAD_IMAGES))
def test_hostile_image_is_refused_and_leaves_nothing(app, client, world, case):
    make, name = BAD_IMAGES[case]
    refuse(app, client, world.contest, world.image_category, make(), name)


def test_image_claiming_a_huge_size_is_refused_as_too_large(app, client, world):
    response = refuse(app, client, world.contest, world.image_category, png_claiming(20000, 20000), "huge.png")
    # Pillow's own guard fires before the size can be read: the answer still says "too large".
    assert "过大" in response.get_json()["message"] and "40" in response.get_json()["message"]


def test_really_large_image_is_refused_by_the_pixel_cap(app, client, world):
    response = refuse(app, client, world.contest, world.image_category, really_large_png(), "large.png")
    assert "9000" in response.get_json()["message"]


def test_polyglot_really_is_a_gif_and_eps_really_is_eps():
    """The corpus is what it claims: Pillow itself reads these formats."""
    with Image.open(io.BytesIO(GIF_JS_POLYGLOT)) as img:
        assert img.format == "GIF"
    with Image.open(io.BytesIO(saved_as("EPS"))) as img:
        assert img.format == "EPS"
    with Image.open(io.BytesIO(saved_as("TIFF"))) as img:
        assert img.format == "TIFF"


@pytest.mark.parametrize("size", [6 * 1024 * 1024, 5 * 1024 * 1024 + 10_000], ids=["6MB", "just-over-5MB"])
def test_upload_over_the_category_cap_is_413_and_writes_nothing(app, client, world, size):
    assert world.image_category.max_file_mb == 5
    png = factories.png_bytes()
    refuse(app, client, world.contest, world.image_category, png + b"\0" * (size - len(png)), "big.png", status=413)


def test_streamed_upload_over_the_category_cap_leaves_no_partial_file(app, client, world, kinds, media):
    kinds["video"].max_file_mb = 1
    db.session.commit()
    padded = media["mp4"] + free_box(1024 * 1024 + 10_000 - len(media["mp4"]))
    response = refuse(app, client, world.contest, kinds["video"], padded, "long.mp4", status=413)
    assert "1" in response.get_json()["message"]  # the pipeline's own answer, naming the cap
    assert not [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*.part")]


def test_request_over_the_app_wide_cap_is_413_with_a_chinese_message(app, client, world):
    entry_id, token = start_draft(client, world.contest, world.category)
    body = b'{"title": "' + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1024) + b'"}'
    response = client.post(f"/entries/{entry_id}/autosave", data=body, content_type="application/json",
                           headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.status_code == 413
    payload = response.get_json()
    assert payload["ok"] is False and CJK.search(payload["message"])


# --- bodies that never finish or carry more than the file ---------------------

BOUNDARY = "----hostile-boundary"


def multipart(parts: list[tuple[str, str, bytes]]) -> bytes:
    out = b""
    for field, name, data in parts:
        out += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def post_raw(client, entry_id: int, token: str, body: bytes, content_length: int):
    return client.post(f"/entries/{entry_id}/files", input_stream=io.BytesIO(body), content_length=content_length,
                       content_type=f"multipart/form-data; boundary={BOUNDARY}",
                       headers={"X-CSRFToken": token, "Accept": "application/json"})


@pytest.mark.parametrize("cut", ["connection-dropped", "never-terminated"])
def test_upload_body_that_stops_halfway_leaves_nothing(app, client, world, cut):
    entry_id, token = start_draft(client, world.contest, world.image_category)
    files_before, assets_before = stored_files(app), asset_count()
    body = multipart([("file", "half.png", factories.png_bytes() + b"\0" * 300_000)])
    sent = body[: len(body) // 2]
    # Dropped: the body promised more than arrived. Never terminated: it ends
    # where it says it does, inside the file part, without a closing boundary.
    response = post_raw(client, entry_id, token, sent, len(body) if cut == "connection-dropped" else len(sent))
    assert response.status_code == 400
    assert asset_count() == assets_before
    assert stored_files(app) == files_before
    assert tmp_files(app) == []


def test_file_parts_beside_the_upload_are_not_kept(app, client, world):
    entry_id, token = start_draft(client, world.contest, world.image_category)
    files_before = stored_files(app)
    png = factories.png_bytes()
    body = multipart([("extra", "a.bin", b"x" * 200_000), ("file", "ok.png", png), ("file", "b.bin", b"y" * 10)])
    response = post_raw(client, entry_id, token, body, len(body))
    assert response.status_code == 201, response.get_json()
    asset = db.session.get(Asset, response.get_json()["asset"]["id"])
    kept = {Path(app.config["UPLOAD_DIR"]) / key for key in (asset.storage_key, *asset.variants.values())}
    assert set(stored_files(app)) - set(files_before) == kept
    assert tmp_files(app) == []


# --- the JPEG that is accepted, but stored clean ------------------------------

def dirty_jpeg(trailer: bytes) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "间谍相机"  # Make
    exif[0x0131] = "TrackerSoft"  # Software
    exif[0x8825] = {1: "N", 2: (22.0, 16.0, 30.0), 3: "E", 4: (113.0, 34.0, 5.0)}  # GPSInfo
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 160, 90)).save(out, "JPEG", exif=exif.tobytes(), comment=SCRIPT,
                                                     icc_profile=icc)
    return out.getvalue() + trailer


def assert_clean_jpeg(data: bytes, trailer: bytes) -> None:
    assert SCRIPT not in data and b"<script" not in data
    assert trailer not in data and b"TrackerSoft" not in data
    assert data.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"
        exif = img.getexif()
        assert len(exif) == 0
        assert not exif.get_ifd(0x8825)
        assert "exif" not in img.info and "comment" not in img.info and "icc_profile" not in img.info
        assert not [name for name, _ in getattr(img, "applist", []) if name in ("APP1", "APP2", "COM")]


def assert_file_headers(response, mime: str) -> None:
    assert response.headers["Content-Type"] == mime
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Resource-Policy"] in ("same-origin", "same-site")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def download(client, url: str):
    response = client.get(url)
    try:
        return response.status_code, response.get_data(), response.headers
    finally:
        response.close()


def test_jpeg_with_gps_comment_icc_and_trailer_is_accepted_and_stored_clean(app, client, world):
    trailer = b"TRAILING-PAYLOAD<script>alert(2)</script>" * 4
    dirty = dirty_jpeg(trailer)
    with Image.open(io.BytesIO(dirty)) as img:  # the corpus really is dirty
        assert img.getexif().get_ifd(0x8825)[2] and img.info["comment"] == SCRIPT and img.info["icc_profile"]
    response = upload(client, world.contest, world.image_category, dirty, "间谍.jpg")
    assert response.status_code == 201, response.get_json()
    asset = response.get_json()["asset"]
    assert asset["role"] == "image" and asset["thumb"]
    row = db.session.get(Asset, asset["id"])
    assert (row.width, row.height, row.mime) == (400, 300, "image/jpeg")
    assert set(row.variants) == {"thumb", "large"}
    for path in (row.storage_key, *row.variants.values()):
        assert_clean_jpeg((Path(app.config["UPLOAD_DIR"]) / path).read_bytes(), trailer)
    for url in (asset["url"], asset["url"] + "/thumb", asset["url"] + "/large"):
        response = client.get(url)
        try:
            assert response.status_code == 200
            assert_clean_jpeg(response.get_data(), trailer)
            assert_file_headers(response, "image/jpeg")
        finally:
            response.close()
    assert tmp_files(app) == []


def test_files_are_served_only_to_those_who_may_see_them(app, client, world):
    response = upload(client, world.contest, world.image_category, factories.png_bytes(), "作品.png")
    assert response.status_code == 201
    url = response.get_json()["asset"]["url"]
    anonymous = app.test_client()
    other = app.test_client()
    login(other, factories.user(name="别人"))
    for viewer, expected in ((anonymous, 404), (other, 404), (client, 200)):
        for path in (url, url + "/thumb", url + "/large"):
            status, data, headers = download(viewer, path)
            assert status == expected, (path, status)
            if expected == 200:
                assert data and headers["X-Content-Type-Options"] == "nosniff"
            else:
                assert b"\x89PNG" not in data and b"\xff\xd8" not in data
    status, _, _ = download(client, url + "/poster")  # a variant the image does not have
    assert status == 404


def test_hostile_file_name_downloads_with_an_encoded_disposition(app, client, world):
    raw = '作品"\r\n\u202e.png'
    entry_id, token = start_draft(client, world.contest, world.image_category)
    response = post_file(client, entry_id, token, factories.png_bytes(), raw)
    assert response.status_code == 201, response.get_json()
    asset = db.session.get(Asset, response.get_json()["asset"]["id"])
    assert not set("\r\n\u202e") & set(asset.original_name or "")
    for stored_name in (asset.original_name, raw):  # as posted, then as if stored untouched by another path
        asset.original_name = stored_name
        db.session.commit()
        for path in (f"/files/{asset.id}", f"/files/{asset.id}/thumb"):
            response = client.get(path)
            try:
                assert response.status_code == 200
                disposition = response.headers["Content-Disposition"]
                assert "\r" not in disposition and "\n" not in disposition and "\u202e" not in disposition
                assert "filename*=UTF-8''" + quote(stored_name, safe="") in disposition
                assert_file_headers(response, "image/jpeg" if path.endswith("thumb") else "image/png")
            finally:
                response.close()


def test_display_name_from_the_upload_drops_control_characters(client, world):
    entry_id, token = start_draft(client, world.contest, world.image_category)
    response = post_file(client, entry_id, token, factories.png_bytes(), "作品\u202e\u0007gnp.exe.png")
    assert response.status_code == 201
    assert response.get_json()["asset"]["name"] == "作品gnp.exe.png"


def test_phone_photo_with_a_second_picture_is_accepted_as_jpeg(app, client, world):
    out = io.BytesIO()
    first, second = Image.new("RGB", (60, 40), "red"), Image.new("RGB", (60, 40), "blue")
    first.save(out, "MPO", save_all=True, append_images=[second])
    assert out.getvalue().startswith(b"\xff\xd8")
    response = upload(client, world.contest, world.image_category, out.getvalue(), "IMG_0001.JPG")
    assert response.status_code == 201, response.status_code
    row = db.session.get(Asset, response.get_json()["asset"]["id"])
    assert row.mime == "image/jpeg" and row.storage_key.endswith(".jpg")


# --- other kinds: categories and real media ------------------------------------

@pytest.fixture
def kinds(world):
    common = {"min_chars": None, "max_chars": None}
    made = {
        "video": factories.category(world.contest, code="V", kind="video", name="短视频组", max_file_mb=5,
                                    max_duration_s=10, **common),
        "audio": factories.category(world.contest, code="M", kind="audio", name="网络音乐组", max_file_mb=5,
                                    max_duration_s=60, **common),
        "h5": factories.category(world.contest, code="H", kind="h5", name="H5组", max_file_mb=5, **common),
        "nomination": factories.category(world.contest, code="N", kind="nomination", name="先进个人",
                                         max_file_mb=5, **common),
    }
    db.session.commit()
    return made


def ffmpeg(out: Path, *args: str) -> bytes:
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", *args, "-y", str(out)], check=True, timeout=60)
    return out.read_bytes()


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("media")
    lavfi = ("-f", "lavfi", "-i")
    return {
        "mp4": ffmpeg(folder / "two.mp4", *lavfi, "testsrc=duration=2:size=320x240:rate=25", "-pix_fmt", "yuv420p"),
        "mp4_12s": ffmpeg(folder / "twelve.mp4", *lavfi, "testsrc=duration=12:size=160x120:rate=25",
                          "-pix_fmt", "yuv420p"),
        "mp3": ffmpeg(folder / "two.mp3", *lavfi, "sine=duration=2"),
    }


def free_box(n: int) -> bytes:
    """An ISO-BMFF `free` box: padding any MP4 reader skips."""
    return struct.pack(">I4s", n + 8, b"free") + b"\0" * n


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\0" * 8 + struct.pack("<HHI", 2, 0x3E, 1) + b"\0" * 4000


def test_executable_posing_as_video_is_refused(app, client, world, kinds):
    refuse(app, client, world.contest, kinds["video"], ELF, "clip.mp4", status=415)


def test_mp4_header_followed_by_garbage_is_refused(app, client, world, kinds):
    fake = struct.pack(">I4s4sI", 24, b"ftyp", b"isom", 512) + b"isomiso2" + bytes(range(256)) * 200
    refuse(app, client, world.contest, kinds["video"], fake, "clip.mp4")


def test_video_longer_than_the_category_allows_is_refused(app, client, world, kinds, media):
    assert kinds["video"].max_duration_s == 10
    response = refuse(app, client, world.contest, kinds["video"], media["mp4_12s"], "long.mp4")
    assert "12" in response.get_json()["message"]


def test_png_posing_as_audio_is_refused(app, client, world, kinds):
    refuse(app, client, world.contest, kinds["audio"], factories.png_bytes(), "song.mp3", status=415)


def test_real_video_is_accepted_with_duration_and_poster(app, client, world, kinds, media):
    response = upload(client, world.contest, kinds["video"], media["mp4"], "短片.mp4")
    assert response.status_code == 201, response.get_json()
    row = db.session.get(Asset, response.get_json()["asset"]["id"])
    assert row.role == "video" and row.mime == "video/mp4"
    assert row.duration_s == pytest.approx(2, abs=0.2)
    assert (row.width, row.height) == (320, 240)
    assert "poster" in row.variants
    status, data, headers = download(client, f"/files/{row.id}/poster")
    assert status == 200 and data.startswith(b"\xff\xd8") and headers["Content-Type"] == "image/jpeg"
    assert tmp_files(app) == []


def test_real_audio_is_accepted(app, client, world, kinds, media):
    response = upload(client, world.contest, kinds["audio"], media["mp3"], "歌.mp3")
    assert response.status_code == 201, response.get_json()
    row = db.session.get(Asset, response.get_json()["asset"]["id"])
    assert row.role == "audio" and row.mime == "audio/mpeg"
    assert row.duration_s == pytest.approx(2, abs=0.2)


def test_video_larger_than_the_app_wide_cap_but_within_its_category_cap_is_accepted(app, client, world, kinds,
                                                                                    media):
    kinds["video"].max_file_mb = 50
    db.session.commit()
    padded = media["mp4"] + free_box(app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024)
    response = upload(client, world.contest, kinds["video"], padded, "大.mp4")
    assert response.status_code == 201, response.status_code
    assert db.session.get(Asset, response.get_json()["asset"]["id"]).size == len(padded)


# --- nominations ---------------------------------------------------------------

def _valid_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _valid_pdf()


def test_pdf_is_accepted_in_a_nomination(app, client, world, kinds):
    response = upload(client, world.contest, kinds["nomination"], PDF, "事迹材料.pdf")
    assert response.status_code == 201, response.get_json()
    row = db.session.get(Asset, response.get_json()["asset"]["id"])
    assert (row.role, row.mime) == ("document", "application/pdf")
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()   # the upload's hash; the copy kept is cleaned
    status, data, headers = download(client, f"/files/{row.id}")
    assert status == 200 and data.startswith(b"%PDF-") and len(data) == row.size
    assert headers["Content-Type"] == "application/pdf" and headers["X-Content-Type-Options"] == "nosniff"


def test_png_is_accepted_in_a_nomination_as_a_photo(app, client, world, kinds):
    response = upload(client, world.contest, kinds["nomination"], factories.png_bytes(), "照片.png")
    assert response.status_code == 201, response.get_json()
    row = db.session.get(Asset, response.get_json()["asset"]["id"])
    assert (row.role, row.mime) == ("photo", "image/png") and "thumb" in row.variants


def test_html_is_refused_in_a_nomination(app, client, world, kinds):
    refuse(app, client, world.contest, kinds["nomination"], HTML, "材料.pdf")


# --- H5 packages ---------------------------------------------------------------

def make_zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return out.getvalue()


INDEX = b"<!DOCTYPE html><html><head><script src=app.js></script></head><body>H5</body></html>"
APP_JS = b"document.body.append('hello');"


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory) -> bytes:
    """One member of 1 GiB of zeros, deflated to about 1 MB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", INDEX)
        with archive.open("app.js", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(1024):
                member.write(chunk)
    data = path.read_bytes()
    assert len(data) < 2 * 1024 * 1024
    return data


def many_entries_zip(n: int = 20_000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("index.html", INDEX)
        for i in range(n):
            archive.writestr(f"f/{i}.js", b"")
    return out.getvalue()


def lying_zip() -> bytes:
    """index.html really inflates to 1 MB; both headers claim 10 bytes."""
    data = bytearray(make_zip({"index.html": b"<p>" + b"a" * (1024 * 1024)}))
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 10)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 10)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:  # the lie took
        assert archive.getinfo("index.html").file_size == 10
    return bytes(data)


def symlink_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", INDEX)
        link = zipfile.ZipInfo("app.js")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return out.getvalue()


BAD_PACKAGES = {
    "20000-entries": many_entries_zip,
    "headers-lie-about-sizes": lying_zip,
    "slip-dotdot": lambda: make_zip({"index.html": INDEX, "../evil.js": APP_JS}),
    "slip-absolute": lambda: make_zip({"index.html": INDEX, "/abs.js": APP_JS}),
    "slip-backslash": lambda: make_zip({"index.html": INDEX, "..\\evil.js": APP_JS}),
    "slip-nested": lambda: make_zip({"index.html": INDEX, "a/../../evil.js": APP_JS}),
    "symlink": symlink_zip,
    "exe": lambda: make_zip({"index.html": INDEX, "run.exe": ELF}),
    "php": lambda: make_zip({"index.html": INDEX, "x.php": b"<?php system($_GET['c']); ?>"}),
    "no-index-at-root": lambda: make_zip({"site/index.html": INDEX, "site/app.js": APP_JS}),
    "not-a-zip": lambda: HTML,
    "zip-magic-then-garbage": lambda: b"PK\x03\x04" + b"\0" * 2000,
}


@pytest.mark.parametrize("case", list(BAD_PACKAGES))
def test_hostile_h5_package_is_refused(app, client, world, kinds, case):
    refuse(app, client, world.contest, kinds["h5"], BAD_PACKAGES[case](), "h5.zip")


def test_zip_bomb_is_refused(app, client, world, kinds, zip_bomb):
    response = refuse(app, client, world.contest, kinds["h5"], zip_bomb, "bomb.zip")
    assert "200" in response.get_json()["message"]


def test_valid_h5_package_is_accepted(app, client, world, kinds):
    package = make_zip({"index.html": INDEX, "app.js": APP_JS, "img/": b"", "img/logo.png": factories.png_bytes()})
    response = upload(client, world.contest, kinds["h5"], package, "作品.zip")
    assert response.status_code == 201, response.get_json()
    row = db.session.get(Asset, response.get_json()["asset"]["id"])
    assert row.role == "h5_package" and row.mime == "application/zip"
    assert row.details["files"] == 3
    assert row.details["total_bytes"] == len(INDEX) + len(APP_JS) + len(factories.png_bytes())
