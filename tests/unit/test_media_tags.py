"""A video's or recording's own tags never reach a blind judge: they are
removed at upload, the picture and sound are kept."""
import io
import json
import subprocess

import pytest

from contest.extensions import db
from contest.services import uploads
from tests import factories


def _make(tmp_path, name, lavfi, extra):
    out = tmp_path / name
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", lavfi, *extra,
                    "-metadata", "artist=金丝雀作者", "-metadata", "title=金丝雀作品",
                    "-metadata", "location=+22.27+113.57/", "-y", str(out)], check=True, timeout=60)
    return out.read_bytes()


def _tags(path) -> dict:
    info = json.loads(subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
                                      "-show_streams", str(path)], capture_output=True, check=True).stdout)
    found = dict(info["format"].get("tags", {}))
    for stream in info["streams"]:
        found.update(stream.get("tags", {}))
    return found


@pytest.mark.parametrize("kind, name, lavfi, extra", [
    ("video", "tagged.mp4", "testsrc=duration=2:size=160x120:rate=10", ["-pix_fmt", "yuv420p"]),
    ("audio", "tagged.mp3", "sine=duration=2", []),
])
def test_personal_tags_are_removed_and_the_media_kept(app, world, tmp_path, kind, name, lavfi, extra):
    data = _make(tmp_path, name, lavfi, extra)
    assert "金丝雀作者".encode() in data
    cat = factories.category(world.contest, code="M", kind=kind, name="音视频", min_chars=None, max_chars=None,
                             max_file_mb=10, max_duration_s=60)
    owner = factories.user()
    entry = factories.entry(owner, cat, submit=False)
    asset = uploads.add_upload(owner, entry, io.BytesIO(data), name)
    db.session.commit()
    from contest.file_store import storage

    path = storage().path(asset.storage_key)
    kept = path.read_bytes()
    assert "金丝雀".encode() not in kept
    tags = _tags(path)
    assert not {"artist", "title", "location"} & {k.lower() for k in tags}
    assert asset.duration_s == pytest.approx(2, abs=0.3)
    import hashlib

    assert asset.sha256 == hashlib.sha256(data).hexdigest()   # duplicates are still found by the upload


def _pdf_with_secrets(tmp_path) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "金丝雀作者", "/Title": "金丝雀推荐材料", "/Creator": "金丝雀单位"})
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    path = tmp_path / "secret.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path.read_bytes()


def test_pdf_keeps_its_pages_but_not_its_author_or_scripts(app, world, tmp_path):
    from pypdf import PdfReader

    from contest.file_store import storage

    data = _pdf_with_secrets(tmp_path)
    assert b"/Author" in data and b"/OpenAction" in data and b"/JavaScript" in data
    cat = factories.category(world.contest, code="N", kind="nomination", name="先进个人", min_chars=None,
                             max_chars=3000)
    school = factories.unit("珠海市第一中学", "school", "香洲区")
    admin = factories.user("unit_admin", school)
    entry = factories.entry(admin, cat, submit=False, on_behalf_unit=school, authors=["推荐人"])
    asset = uploads.add_upload(admin, entry, io.BytesIO(data), "推荐材料.pdf")
    db.session.commit()
    kept = storage().path(asset.storage_key)
    reader = PdfReader(kept)
    assert len(reader.pages) == 1 and asset.details["pages"] == 1
    assert not (reader.metadata or {}).get("/Author")
    raw = kept.read_bytes()
    assert b"/OpenAction" not in raw and b"/JavaScript" not in raw and b"/Author" not in raw


def test_a_damaged_pdf_is_refused_and_nothing_kept(app, world):
    from pathlib import Path

    cat = factories.category(world.contest, code="N", kind="nomination", name="先进个人", min_chars=None,
                             max_chars=3000)
    school = factories.unit("珠海市第一中学", "school", "香洲区")
    admin = factories.user("unit_admin", school)
    entry = factories.entry(admin, cat, submit=False, on_behalf_unit=school, authors=["推荐人"])
    before = sorted(p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())
    with pytest.raises(uploads.UploadRejected):
        uploads.add_upload(admin, entry, io.BytesIO(b"%PDF-1.7\n" + b"\x00garbage" * 100), "坏文件.pdf")
    assert sorted(p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()) == before
