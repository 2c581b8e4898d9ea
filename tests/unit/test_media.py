"""The media pipelines called directly: images, H5 packages, type sniffing,
ffprobe, and the storage that every upload goes through."""
from __future__ import annotations

import hashlib
import io
import re
import stat
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from contest.media import av, h5, images, sniff
from contest.media.storage import LocalStorage, TooLarge, new_key

CJK = re.compile(r"[\u4e00-\u9fff]")


def encoded(fmt: str, size=(40, 30), mode="RGB", color=(200, 30, 30), **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **options)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


# --- images.clean_image ------------------------------------------------------

@pytest.mark.parametrize(("fmt", "mime", "extension"), [
    ("JPEG", "image/jpeg", ".jpg"),
    ("PNG", "image/png", ".png"),
    ("WEBP", "image/webp", ".webp"),
])
def test_allowed_formats_are_re_encoded_in_their_own_format(fmt, mime, extension):
    clean = images.clean_image(encoded(fmt))
    assert (clean.format, clean.mime, clean.extension) == (fmt, mime, extension)
    assert (clean.width, clean.height) == (40, 30)
    with opened(clean.data) as img:
        assert img.format == fmt and img.size == (40, 30)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM", "TGA", "EPS", "PCX"])
def test_other_image_formats_are_refused(fmt):
    data = encoded(fmt, size=(32, 32))
    with Image.open(io.BytesIO(data)) as img:  # Pillow itself reads it
        assert img.format == fmt
    with pytest.raises(images.ImageRejected) as refused:
        images.clean_image(data)
    assert CJK.search(refused.value.message)


@pytest.mark.parametrize("data", [
    b"",
    b"not an image at all",
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    b"%PDF-1.4\n%%EOF\n",
    encoded("JPEG")[:200],
    encoded("PNG")[:60],
], ids=["empty", "text", "svg", "pdf", "truncated-jpeg", "truncated-png"])
def test_non_images_and_broken_images_are_refused(data):
    with pytest.raises(images.ImageRejected) as refused:
        images.clean_image(data)
    assert CJK.search(refused.value.message)


@pytest.mark.parametrize(("size", "max_pixels", "accepted"), [
    ((100, 100), 10_000, True),
    ((100, 101), 10_000, False),
    ((1, 10_001), 10_000, False),
])
def test_pixel_cap(size, max_pixels, accepted):
    data = encoded("PNG", size=size, mode="L", color=128)
    if accepted:
        assert images.clean_image(data, max_pixels=max_pixels).width == size[0]
    else:
        with pytest.raises(images.ImageRejected) as refused:
            images.clean_image(data, max_pixels=max_pixels)
        assert f"{size[0]} × {size[1]}" in refused.value.message


def test_default_pixel_cap_is_well_under_pillows_own():
    assert images.DEFAULT_MAX_PIXELS <= 50_000_000
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS > images.DEFAULT_MAX_PIXELS


def test_exif_orientation_is_applied_then_dropped():
    img = Image.new("RGB", (40, 20), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 10, 20))  # red on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    clean = images.clean_image(out.getvalue())
    assert (clean.width, clean.height) == (20, 40)
    with opened(clean.data) as result:
        assert result.size == (20, 40)
        assert len(result.getexif()) == 0
        red, _, blue = result.getpixel((10, 3))  # left edge turned to the top
        assert red > 200 and blue < 60


def test_metadata_comment_icc_and_trailing_bytes_are_gone():
    from PIL import ImageCms

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (22.0, 16.0, 30.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encoded("JPEG", exif=exif.tobytes(), comment=b"<script>x</script>", icc_profile=icc) + b"TRAILER"
    clean = images.clean_image(data)
    for blob in (clean.data, *clean.thumbnails.values()):
        assert b"<script" not in blob and b"TRAILER" not in blob
        with opened(blob) as img:
            assert len(img.getexif()) == 0
            assert not {"exif", "comment", "icc_profile"} & set(img.info)


@pytest.mark.parametrize(("fmt", "mode", "color"), [
    ("PNG", "RGBA", (255, 0, 0, 0)),
    ("PNG", "LA", (128, 0)),
    ("WEBP", "RGBA", (255, 0, 0, 0)),
])
def test_alpha_is_kept_in_the_main_image(fmt, mode, color):
    img = Image.new(mode, (20, 20), color)
    img.putpixel((0, 0), (255, 0, 0, 255) if mode == "RGBA" else (128, 255))
    out = io.BytesIO()
    img.save(out, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    clean = images.clean_image(out.getvalue())
    with opened(clean.data) as result:
        assert result.mode == "RGBA"
        assert result.getpixel((5, 5))[3] == 0 and result.getpixel((0, 0))[3] == 255
    with opened(clean.thumbnails["thumb"]) as thumb:
        assert thumb.format == "JPEG" and thumb.mode == "RGB"
        assert thumb.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=3)  # on white


def test_palette_transparency_is_kept():
    img = Image.new("P", (10, 10), 1)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    out = io.BytesIO()
    img.save(out, "PNG", transparency=1)
    with opened(images.clean_image(out.getvalue()).data) as result:
        assert result.mode == "RGBA" and result.getpixel((3, 3))[3] == 0


def test_jpeg_comes_out_rgb_even_from_cmyk():
    clean = images.clean_image(encoded("JPEG", mode="CMYK", color=(0, 255, 255, 0)))
    with opened(clean.data) as result:
        assert result.mode == "RGB"


@pytest.mark.parametrize(("size", "thumb", "large"), [
    ((2000, 1000), (320, 160), (1280, 640)),
    ((900, 3000), (96, 320), (384, 1280)),
    ((100, 50), (100, 50), (100, 50)),  # never enlarged
])
def test_thumbnails_fit_their_long_edge(size, thumb, large):
    clean = images.clean_image(encoded("JPEG", size=size))
    assert set(clean.thumbnails) == {"thumb", "large"}
    for name, expected, edge in (("thumb", thumb, 320), ("large", large, 1280)):
        with opened(clean.thumbnails[name]) as img:
            assert img.format == "JPEG"
            assert max(img.size) <= edge
            assert img.size == pytest.approx(expected, abs=1)


# --- H5 packages -------------------------------------------------------------

@pytest.mark.parametrize(("name", "safe"), [
    ("index.html", True),
    ("js/app.js", True),
    ("img/", True),
    ("a/b/c/d.png", True),
    ("作品/图片.png", True),
    ("..", False),
    ("../evil.js", False),
    ("a/../../evil.js", False),
    ("a/../b.js", False),
    ("/abs.js", False),
    ("//server/share.js", False),
    ("..\\evil.js", False),
    ("a\\b.js", False),
    ("C:evil.js", False),
    ("C:/Windows/evil.js", False),
    ("./index.html", False),
    ("a//b.js", False),
    ("evil.js\0.png", False),
    ("", False),
])
def test_safe_member_name(name, safe):
    assert h5.safe_member_name(name) is safe


INDEX = b"<!DOCTYPE html><title>H5</title><script src=app.js></script>"


def write_zip(path: Path, members: dict[str, bytes], links=()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "../../etc/passwd")
    return path


def test_valid_package_is_counted(tmp_path):
    path = write_zip(tmp_path / "ok.zip", {"index.html": INDEX, "app.js": b"1;", "css/": b"", "css/a.css": b"a{}"})
    package = h5.check_package(path)
    assert package.files == 3
    assert package.total_bytes == len(INDEX) + 2 + 3


@pytest.mark.parametrize(("members", "links", "limits", "needle"), [
    ({"index.html": INDEX, "../x.js": b""}, (), {}, "../x.js"),
    ({"index.html": INDEX, "x.exe": b""}, (), {}, "x.exe"),
    ({"index.html": INDEX, "x.PHP": b""}, (), {}, "x.PHP"),
    ({"index.html": INDEX, "noext": b""}, (), {}, "noext"),
    ({"index.html": INDEX}, ("app.js",), {}, "app.js"),
    ({"sub/index.html": INDEX}, (), {}, "index.html"),
    ({"index.html": INDEX, "a.js": b"", "b.js": b""}, (), {"max_files": 2}, "3"),
    ({"index.html": INDEX, "a.js": b"x" * 3 * 1024 * 1024}, (), {"max_total": 2 * 1024 * 1024}, "2"),
], ids=["slip", "exe", "php-upper", "no-extension", "symlink", "no-root-index", "too-many", "too-big"])
def test_bad_packages_are_refused(tmp_path, members, links, limits, needle):
    path = write_zip(tmp_path / "bad.zip", members, links)
    with pytest.raises(h5.PackageRejected) as refused:
        h5.check_package(path, **limits)
    assert CJK.search(refused.value.message) and needle in refused.value.message


def test_sizes_in_the_headers_are_not_trusted(tmp_path):
    path = write_zip(tmp_path / "lie.zip", {"index.html": INDEX + b" " * (1024 * 1024)})
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, 10)
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 10)
    path.write_bytes(bytes(data))
    with pytest.raises(h5.PackageRejected):
        h5.check_package(path)


def test_a_bomb_is_stopped_at_the_cap_not_after(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", INDEX)
        with archive.open("a.js", "w") as member:
            for _ in range(64):
                member.write(bytes(1024 * 1024))
    with pytest.raises(h5.PackageRejected) as refused:
        h5.check_package(path, max_total=4 * 1024 * 1024)
    assert "4" in refused.value.message


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04" + b"\0" * 100, b"<html></html>"], ids=["empty", "broken", "html"])
def test_unreadable_zip_is_refused(tmp_path, data):
    path = tmp_path / "x.zip"
    path.write_bytes(data)
    with pytest.raises(h5.PackageRejected):
        h5.check_package(path)


def test_read_member_refuses_unsafe_names(tmp_path):
    path = write_zip(tmp_path / "ok.zip", {"index.html": INDEX})
    assert h5.read_member(path, "index.html") == INDEX
    assert h5.read_member(path, "../index.html") is None
    assert h5.read_member(path, "missing.js") is None


# --- sniffing ----------------------------------------------------------------

def ftyp(brand: bytes) -> bytes:
    return struct.pack(">I4s4sI", 24, b"ftyp", brand, 0) + b"isommp41" + b"\0" * 40


@pytest.mark.parametrize(("start", "video", "audio"), [
    (ftyp(b"isom"), "video/mp4", "audio/mp4"),
    (ftyp(b"mp42"), "video/mp4", "audio/mp4"),
    (ftyp(b"qt  "), "video/quicktime", None),
    (ftyp(b"M4A "), None, "audio/mp4"),
    (ftyp(b"heic"), None, None),
    (b"\x1a\x45\xdf\xa3" + b"\0" * 40, "video/webm", None),
    (b"ID3\x04\x00" + b"\0" * 40, None, "audio/mpeg"),
    (b"\xff\xfb\x90\x64" + b"\0" * 40, None, "audio/mpeg"),
    (b"RIFF\0\0\0\0WAVEfmt " + b"\0" * 40, None, "audio/wav"),
    (b"RIFF\0\0\0\0AVI LIST" + b"\0" * 40, None, None),
    (b"\x7fELF\x02\x01\x01" + b"\0" * 40, None, None),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, None, None),
    (b"ftyp", None, None),
    (b"", None, None),
])
def test_video_and_audio_types(start, video, audio):
    assert sniff.video_type(start) == video
    assert sniff.audio_type(start) == audio


@pytest.mark.parametrize(("start", "pdf", "zip_"), [
    (b"%PDF-1.7\n", True, False),
    (b" %PDF-1.7", False, False),
    (b"PK\x03\x04\x14\x00", False, True),
    (b"PK\x05\x06" + b"\0" * 18, False, False),  # an empty zip holds no index.html anyway
    (b"<html>", False, False),
])
def test_pdf_and_zip(start, pdf, zip_):
    assert sniff.is_pdf(start) is pdf
    assert sniff.is_zip(start) is zip_


def test_head_does_not_move_the_stream():
    stream = io.BytesIO(b"x" * 10 + b"abcdefgh" * 20)
    stream.seek(10)
    assert sniff.head(stream, 8) == b"abcdefgh"
    assert stream.tell() == 10


# --- ffprobe -----------------------------------------------------------------

@pytest.fixture(scope="module")
def av_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("av")
    made = {}
    for name, args in {
        "mp4": ["-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=25", "-pix_fmt", "yuv420p"],
        "mp3": ["-f", "lavfi", "-i", "sine=duration=2"],
        "wav": ["-f", "lavfi", "-i", "sine=duration=1"],
    }.items():
        path = folder / f"out.{name}"
        subprocess.run(["ffmpeg", "-v", "error", "-nostdin", *args, "-y", str(path)], check=True, timeout=60)
        made[name] = path
    garbage = folder / "garbage.mp4"
    garbage.write_bytes(ftyp(b"isom") + bytes(range(256)) * 40)
    made["garbage"] = garbage
    return made


@pytest.mark.parametrize(("name", "duration", "size", "video", "audio"), [
    ("mp4", 2.0, (320, 240), "h264", None),
    ("mp3", 2.0, (None, None), None, "mp3"),
    ("wav", 1.0, (None, None), None, "pcm_s16le"),
])
def test_probe_reads_what_the_file_holds(av_files, name, duration, size, video, audio):
    result = av.probe(av_files[name])
    assert result.duration_s == pytest.approx(duration, abs=0.15)
    assert (result.width, result.height) == size
    assert (result.video_codec, result.audio_codec) == (video, audio)
    assert result.details == {"video_codec": video, "audio_codec": audio}


def test_probe_refuses_garbage(av_files):
    with pytest.raises(av.MediaRejected) as refused:
        av.probe(av_files["garbage"])
    assert CJK.search(refused.value.message)


def test_check_video_and_audio(av_files):
    assert av.check_video(av_files["mp4"], 10).width == 320
    assert av.check_audio(av_files["mp3"], None).audio_codec == "mp3"
    with pytest.raises(av.MediaRejected):
        av.check_video(av_files["mp3"], 10)  # no picture
    with pytest.raises(av.MediaRejected):
        av.check_audio(av_files["mp4"], 10)  # no sound
    with pytest.raises(av.MediaRejected) as refused:
        av.check_audio(av_files["mp3"], 1)
    assert "1" in refused.value.message


def test_poster_is_a_frame_of_the_video(av_files, tmp_path):
    out = av.poster(av_files["mp4"], tmp_path / "poster.jpg", 2.0)
    with opened(out.read_bytes()) as img:
        assert img.format == "JPEG" and img.size == (320, 240)


# --- storage -----------------------------------------------------------------

class Dribble(io.RawIOBase):
    """A stream that hands out its bytes a little at a time, like a socket."""

    def __init__(self, data: bytes, step: int = 100_000):
        self.data, self.pos, self.step = data, 0, step

    def readable(self):
        return True

    def read(self, n=-1):
        n = self.step if n is None or n < 0 else min(n, self.step)
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024, 3 * 1024 * 1024 + 7])
def test_save_stream_hashes_and_sizes(tmp_path, size):
    data = bytes(range(256)) * (size // 256) + b"z" * (size % 256)
    store = LocalStorage(tmp_path)
    key = new_key("videos", ".mp4")
    stored = store.save_stream(io.BytesIO(data), key, max_bytes=size)
    assert stored == type(stored)(key, size, hashlib.sha256(data).hexdigest())
    assert store.path(key).read_bytes() == data and store.size(key) == size
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [store.path(key).name]


def test_save_stream_reads_short_chunks(tmp_path):
    data = b"abc" * 200_000
    stored = LocalStorage(tmp_path).save_stream(Dribble(data), "a/b.bin")
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_too_large_leaves_nothing(tmp_path):
    store = LocalStorage(tmp_path)
    with pytest.raises(TooLarge):
        store.save_stream(io.BytesIO(b"x" * (2 * 1024 * 1024 + 1)), "videos/ab/abc.mp4", max_bytes=2 * 1024 * 1024)
    assert not store.exists("videos/ab/abc.mp4")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_failed_stream_leaves_nothing(tmp_path):
    class Broken(io.RawIOBase):
        calls = 0

        def readable(self):
            return True

        def read(self, n=-1):
            self.calls += 1
            if self.calls > 2:
                raise OSError("client went away")
            return b"y" * 1000

    store = LocalStorage(tmp_path)
    with pytest.raises(OSError):
        store.save_stream(Broken(), "videos/cd/x.mp4")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("key", ["../escape.bin", "a/../../escape.bin", "/etc/passwd", "..", ""])
def test_keys_outside_the_root_raise(tmp_path, key):
    store = LocalStorage(tmp_path / "root")
    with pytest.raises(ValueError):
        store.save_bytes(b"x", key)
    with pytest.raises(ValueError):
        store.path(key)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_new_keys_are_fanned_out_and_unguessable():
    keys = {new_key("images", ".png") for _ in range(100)}
    assert len(keys) == 100
    for key in keys:
        prefix, fan, name = key.split("/")
        assert prefix == "images" and name.startswith(fan) and re.fullmatch(r"[0-9a-f]{32}\.png", name)


def test_delete_and_exists(tmp_path):
    store = LocalStorage(tmp_path)
    store.save_bytes(b"data", "x/y.bin")
    assert store.exists("x/y.bin")
    with store.open("x/y.bin") as handle:
        assert handle.read() == b"data"
    store.delete("x/y.bin")
    store.delete("x/y.bin")  # twice is fine
    assert not store.exists("x/y.bin")
