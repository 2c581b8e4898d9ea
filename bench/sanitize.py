"""How long the one sanitiser takes on a long story, against a bare baseline
(html.escape of the same text) measured in the same run; bleach, the library
it replaces, is measured too when it is installed.

    .venv/bin/python bench/sanitize.py
Last line: key=value headline figures."""
from __future__ import annotations

import html
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contest.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_html  # noqa: E402

PARAGRAPH = ("<p>疫情期间，<strong>社区志愿者</strong>在网上组织邻里团购，"
             "<em>理性发声</em>、传递温暖，<a href=\"https://example.cn/x\" onclick=\"x()\">原文</a>。</p>"
             "<ul><li>依法上网</li><li>文明互动</li></ul><script>alert(1)</script>")


def story(target_bytes: int = 5_700) -> str:
    parts, size = [], 0
    while size < target_bytes:
        parts.append(PARAGRAPH)
        size += len(PARAGRAPH.encode())
    return "".join(parts)


def per_call_ms(fn, text: str, rounds: int = 7, calls: int = 200) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn(text)
        samples.append((time.perf_counter() - start) / calls * 1000)
    return statistics.median(samples)


def main() -> None:
    text = story()
    baseline = per_call_ms(html.escape, text)
    nh3_ms = per_call_ms(clean_html, text)
    print(f"story: {len(text.encode())} bytes")
    print(f"baseline html.escape: {baseline:.4f} ms")
    print(f"nh3 clean_html:       {nh3_ms:.4f} ms")
    figures = {"story_bytes": len(text.encode()), "nh3_ms": f"{nh3_ms:.3f}",
               "baseline_ms": f"{baseline:.4f}", "nh3_vs_baseline": f"{nh3_ms / baseline:.1f}"}
    try:
        import bleach
    except ImportError:
        print("bleach: not installed (pip install bleach to compare)")
    else:
        attrs = {tag: sorted(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
        bleach_ms = per_call_ms(lambda t: bleach.clean(t, tags=ALLOWED_TAGS, attributes=attrs, strip=True),
                                text, calls=50)
        print(f"bleach.clean:         {bleach_ms:.4f} ms")
        figures["bleach_ms"] = f"{bleach_ms:.3f}"
        figures["bleach_vs_nh3"] = f"{bleach_ms / nh3_ms:.1f}"
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
