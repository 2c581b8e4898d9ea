"""The one image pipeline: only JPEG, PNG and WebP; a pixel cap well under
Pillow's; verify, reopen, turn upright, rebuild from pixels (so EXIF, GPS, ICC,
comments and bytes after the end are gone), re-encode, two thumbnails."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from flask_babel import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from . import Rejected

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSION = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
THUMBNAILS = {"thumb": 320, "large": 1280}
DEFAULT_MAX_PIXELS = 40_000_000  # 40 MP: any phone photo; Pillow's own bomb limit is 89 MP


class ImageRejected(Rejected):
    pass


@dataclass
class CleanImage:
    data: bytes
    format: str
    width: int
    height: int
    thumbnails: dict[str, bytes] = field(default_factory=dict)

    @property
    def mime(self) -> str:
        return MIME[self.format]

    @property
    def extension(self) -> str:
        return EXTENSION[self.format]


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img.save(out, "JPEG", quality=90, optimize=True)
    elif fmt == "PNG":
        img.save(out, "PNG", optimize=True)
    else:
        img.save(out, "WEBP", quality=90)
    return out.getvalue()


def _thumbnail(img: Image.Image, edge: int) -> bytes:
    thumb = img.copy()
    thumb.thumbnail((edge, edge))
    if thumb.mode != "RGB":
        background = Image.new("RGB", thumb.size, "white")
        background.paste(thumb, mask=thumb.getchannel("A") if "A" in thumb.getbands() else None)
        thumb = background
    return _encode(thumb, "JPEG")


def clean_image(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> CleanImage:
    """Return a clean re-encoding of an uploaded image, or raise ImageRejected."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = _open(data)
            fmt = probe.format
            width, height = probe.size
            if width * height > max_pixels:
                raise ImageRejected(_("The image is too large (%(w)d × %(h)d pixels); the limit is %(mp)d megapixels.",
                                      w=width, h=height, mp=max_pixels // 1_000_000))
            probe.verify()
            # Process-wide, and other libraries turn it on when imported (WeasyPrint does).
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            img = _open(data)
            img.load()
            img = ImageOps.exif_transpose(img)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fired before ours could read the size.
        raise ImageRejected(_("The image is too large; the limit is %(mp)d megapixels.",
                              mp=max_pixels // 1_000_000)) from None
    except UnidentifiedImageError:
        raise ImageRejected(_("This file is not a JPEG, PNG or WebP image.")) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected(_("The image file is damaged or incomplete.")) from None

    if fmt == "MPO":
        fmt = "JPEG"  # a phone photo with a second picture inside: the first is kept, as a JPEG
    mode = "RGBA" if ("A" in img.getbands() or img.mode == "P" and "transparency" in img.info) else "RGB"
    if fmt == "JPEG":
        mode = "RGB"
    pixels = img.convert(mode)
    # Rebuilt from raw pixels: nothing of the original file's metadata survives.
    rebuilt = Image.frombytes(mode, pixels.size, pixels.tobytes())
    return CleanImage(
        data=_encode(rebuilt, fmt),
        format=fmt,
        width=rebuilt.width,
        height=rebuilt.height,
        thumbnails={name: _thumbnail(rebuilt, edge) for name, edge in THUMBNAILS.items()},
    )
