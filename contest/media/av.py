"""Video and audio: ffprobe reads what the file really holds (with a timeout
and only local files allowed, so a crafted file cannot make it open URLs);
ffmpeg makes a poster frame."""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from . import Rejected

PROBE_TIMEOUT_S = 30
POSTER_TIMEOUT_S = 60


class MediaRejected(Rejected):
    pass


@dataclass
class Probe:
    duration_s: float
    width: int | None = None
    height: int | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    format_name: str = ""
    details: dict = field(default_factory=dict)
    personal_tags: list[str] = field(default_factory=list)


# Container tags that only describe the encoding; anything else (title, artist,
# comment, location, device, creation time ...) may say who made it or where.
TECHNICAL_TAGS = {"encoder", "major_brand", "minor_version", "compatible_brands", "handler_name", "vendor_id",
                  "language", "duration", "timecode"}


def _personal_tags(info: dict) -> list[str]:
    found = set()
    for tags in [info.get("format", {}).get("tags", {})] + [s.get("tags", {}) for s in info.get("streams", [])]:
        found.update(k for k in tags if k.lower() not in TECHNICAL_TAGS)
    for stream in info.get("streams", []):
        # cover art (with its own EXIF), data, subtitle and attachment streams
        if stream.get("codec_type") not in ("audio", "video") or stream.get("disposition", {}).get("attached_pic"):
            found.add(f"stream:{stream.get('codec_type')}")
    return sorted(found)


PLAIN_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pdin", b"moof", b"mfra", b"sidx",
               b"styp"}


def extra_boxes(path: Path) -> list[str]:
    """Top-level MP4/MOV boxes beyond the media's own (an XMP `uuid` box can
    name the creator): read from the box headers alone, never the media."""
    found = []
    size_left = path.stat().st_size
    with path.open("rb") as fh:
        offset = 0
        while offset + 8 <= size_left and len(found) < 50:
            fh.seek(offset)
            header = fh.read(16)
            size, kind = int.from_bytes(header[:4], "big"), header[4:8]
            if size == 1 and len(header) >= 16:
                size = int.from_bytes(header[8:16], "big")
            elif size == 0:
                size = size_left - offset
            if size < 8:
                break
            if kind not in PLAIN_BOXES:
                found.append(kind.decode("latin-1"))
            offset += size
    return found


def probe(path: Path) -> Probe:
    cmd = ["ffprobe", "-v", "error", "-protocol_whitelist", "file", "-print_format", "json",
           "-show_format", "-show_streams", "file:" + str(path)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise MediaRejected(_("The file could not be read in time; please check it and try again.")) from None
    if done.returncode != 0:
        raise MediaRejected(_("The file could not be read as audio or video."))
    try:
        info = json.loads(done.stdout or b"{}")
        streams = info.get("streams", [])
        duration = float(info.get("format", {}).get("duration") or 0)
    except (ValueError, TypeError):
        raise MediaRejected(_("The file could not be read as audio or video.")) from None
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not s.get("disposition", {}).get("attached_pic")), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    return Probe(
        duration_s=duration,
        width=video.get("width") if video else None,
        height=video.get("height") if video else None,
        video_codec=video.get("codec_name") if video else None,
        audio_codec=audio.get("codec_name") if audio else None,
        format_name=info.get("format", {}).get("format_name", ""),
        details={"video_codec": video.get("codec_name") if video else None,
                 "audio_codec": audio.get("codec_name") if audio else None},
        personal_tags=_personal_tags(info),
    )


def check_video(path: Path, max_seconds: int | None) -> Probe:
    result = probe(path)
    if not result.video_codec or not result.width:
        raise MediaRejected(_("The file holds no video picture."))
    _check_duration(result, max_seconds)
    return result


def check_audio(path: Path, max_seconds: int | None) -> Probe:
    result = probe(path)
    if not result.audio_codec:
        raise MediaRejected(_("The file holds no sound."))
    _check_duration(result, max_seconds)
    return result


def _check_duration(result: Probe, max_seconds: int | None) -> None:
    if result.duration_s <= 0:
        raise MediaRejected(_("The length of the file could not be read."))
    if max_seconds and result.duration_s > max_seconds + 0.5:
        raise MediaRejected(_("It runs %(got)d seconds; this category allows at most %(max)d.",
                              got=round(result.duration_s), max=max_seconds))


def poster(path: Path, out: Path, duration_s: float) -> Path:
    at = "1" if duration_s > 2 else "0"
    cmd = ["ffmpeg", "-v", "error", "-protocol_whitelist", "file", "-ss", at, "-i", "file:" + str(path),
           "-frames:v", "1", "-vf", "scale='min(1280,iw)':-2", "-y", str(out)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=POSTER_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise MediaRejected(_("The file could not be read in time; please check it and try again.")) from None
    if done.returncode != 0 or not out.exists():
        raise MediaRejected(_("No picture could be taken from the video."))
    return out


def strip_metadata(path: Path, out: Path) -> Path:
    """The same streams without the container's tags (names, places, devices,
    dates): copied, not re-encoded."""
    cmd = ["ffmpeg", "-v", "error", "-protocol_whitelist", "file", "-i", "file:" + str(path),
           "-map", "0:V?", "-map", "0:a?", "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy",
           "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-y", str(out)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=POSTER_TIMEOUT_S * 10, check=False)
    except subprocess.TimeoutExpired:
        raise MediaRejected(_("The file could not be read in time; please check it and try again.")) from None
    if done.returncode != 0 or not out.exists():
        raise MediaRejected(_("The file could not be read as audio or video."))
    return out
