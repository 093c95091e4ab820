"""Evidence photos: decoded (never trusted by name or header), bounded in bytes and
pixels, re-encoded, stored under a random name, hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Photos one request (a submission, a review, a failed item) may carry.
MAX_PHOTOS = 10

ALLOWED_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_DATETIME = 0x0132
EXIF_IFD = 0x8769


@dataclass
class ProcessedImage:
    file: ContentFile
    content_type: str
    sha256: str
    original_sha256: str
    size: int
    width: int
    height: int
    captured_at: dt.datetime | None


def _captured_at(img: Image.Image) -> dt.datetime | None:
    try:
        exif = img.getexif()
    except Exception:
        return None
    raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    if not raw:
        return None
    try:
        naive = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # Phones record local wall time without a zone; the county is in Asia/Shanghai.
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _too_many_pixels(max_pixels: int) -> str:
    return _("照片像素过大（不超过 %(mp)d 百万像素）。") % {"mp": max_pixels // 1_000_000}


def validate_image(upload) -> None:
    """Raise ValidationError({"evidence": ...}) unless the upload is an acceptable photo."""
    process_image(upload, store=False)


def process_image(upload, *, store: bool = True) -> ProcessedImage:
    max_bytes = settings.EVIDENCE_MAX_BYTES
    max_pixels = settings.EVIDENCE_MAX_PIXELS
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            {"evidence": [_("照片不能超过 %(mb)d MB。") % {"mb": max_bytes // (1024 * 1024)}]}
        )
    upload.seek(0)
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValidationError(
            {"evidence": [_("照片不能超过 %(mb)d MB。") % {"mb": max_bytes // (1024 * 1024)}]}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(raw))
            # Check the declared size before decoding a single pixel: a bomb is refused
            # here, without allocating its memory.
            if img.width * img.height > max_pixels:
                raise ValidationError({"evidence": [_too_many_pixels(max_pixels)]})
            if img.format not in ALLOWED_FORMATS:
                raise ValidationError({"evidence": [_("只接受 JPEG、PNG 或 WebP 格式的照片。")]})
            fmt = img.format
            captured = _captured_at(img)
            img.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fired first (far beyond our limit): same message as ours.
        raise ValidationError({"evidence": [_too_many_pixels(max_pixels)]}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            {"evidence": [_("文件不是有效的图片（只接受 JPEG、PNG 或 WebP）。")]}
        ) from None

    # Re-encode: drops any payload hidden after the image data and all metadata,
    # after applying the EXIF orientation so the photo shows the right way up.
    img = ImageOps.exif_transpose(img)
    content_type, ext = ALLOWED_FORMATS[fmt]
    out = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        img.save(out, "PNG", optimize=True)
    else:
        img.save(out, "WEBP", quality=85)
    data = out.getvalue()
    name = f"{secrets.token_hex(16)}.{ext}"
    return ProcessedImage(
        file=ContentFile(data, name=name) if store else ContentFile(b"", name=name),
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        original_sha256=hashlib.sha256(raw).hexdigest(),
        size=len(data),
        width=img.width,
        height=img.height,
        captured_at=captured,
    )
