"""Near-duplicate text: character shingles, MinHash signatures and LSH bands.
Pure functions (no Flask, no database)."""
from __future__ import annotations

import hashlib
import re
import struct

SHINGLE = 5          # characters: Chinese has no spaces to split words on
PERMUTATIONS = 64
BANDS = 16           # 16 bands of 4 rows: pairs above ~0.6 similarity almost always share a band
ROWS = PERMUTATIONS // BANDS
_MERSENNE = (1 << 61) - 1
_MAX = (1 << 32) - 1
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _coefficients() -> list[tuple[int, int]]:
    out = []
    for i in range(PERMUTATIONS):
        digest = hashlib.sha256(f"minhash-{i}".encode()).digest()
        a, b = struct.unpack("<QQ", digest[:16])
        out.append((a % _MERSENNE or 1, b % _MERSENNE))
    return out


_COEFFS = _coefficients()


def normalise(text: str) -> str:
    return _NOISE.sub("", text.lower())


def shingles(text: str, k: int = SHINGLE) -> set[int]:
    text = normalise(text)
    if len(text) < k:
        return {_h(text)} if text else set()
    return {_h(text[i:i + k]) for i in range(len(text) - k + 1)}


def _h(s: str) -> int:
    return struct.unpack("<I", hashlib.blake2b(s.encode(), digest_size=4).digest())[0]


def minhash(features: set[int]) -> list[int]:
    if not features:
        return []
    return [min(((a * x + b) % _MERSENNE) & _MAX for x in features) for a, b in _COEFFS]


def bands(signature: list[int]) -> list[int]:
    """One 63-bit key per band (fits a signed BIGINT); the band's index is mixed in."""
    out = []
    for i in range(0, len(signature), ROWS):
        chunk = struct.pack(f"<I{ROWS}I", i, *signature[i:i + ROWS])
        out.append(struct.unpack("<q", hashlib.blake2b(chunk, digest_size=8).digest())[0] >> 1)
    return out


def similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if not sig_a or not sig_b or len(sig_a) != len(sig_b):
        return 0.0
    return sum(1 for x, y in zip(sig_a, sig_b, strict=True) if x == y) / len(sig_a)


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
