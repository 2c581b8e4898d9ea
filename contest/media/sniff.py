"""File types by their first bytes, never by name or by what the browser says."""
from __future__ import annotations

from typing import BinaryIO

# ISO base media (MP4, MOV, M4A): 'ftyp' at offset 4, then the brand.
VIDEO_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"qt  ",
                b"M4V ", b"MSNV", b"3gp4", b"3gp5", b"3g2a", b"dash"}
AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"isom"}


def head(stream: BinaryIO, n: int = 64) -> bytes:
    pos = stream.tell()
    data = stream.read(n)
    stream.seek(pos)
    return data


def video_type(start: bytes) -> str | None:
    if len(start) >= 12 and start[4:8] == b"ftyp":
        brand = start[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in VIDEO_BRANDS:
            return "video/mp4"
    if start.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


def audio_type(start: bytes) -> str | None:
    if start.startswith(b"ID3") or (len(start) > 1 and start[0] == 0xFF and start[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if start[:4] == b"RIFF" and start[8:12] == b"WAVE":
        return "audio/wav"
    if len(start) >= 12 and start[4:8] == b"ftyp" and start[8:12] in AUDIO_BRANDS:
        return "audio/mp4"
    return None


def is_pdf(start: bytes) -> bool:
    return start.startswith(b"%PDF-")


def is_zip(start: bytes) -> bool:
    return start.startswith(b"PK\x03\x04")
