"""The receipt's QR code: an SVG drawn on the server (no script, no request
outside the site)."""
import segno
from markupsafe import Markup


def status_qr_svg(link: str) -> Markup:
    qr = segno.make(link, error="m")
    # segno's inline SVG holds only path data built from the link's bits.
    return Markup(qr.svg_inline(scale=4, border=2, dark="#1f2328", title="QR"))  # noqa: S704
