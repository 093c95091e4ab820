"""Evidence photos: the one core behind every way the app accepts a photo (the API's
``PhotoListField`` and the pages' ``PhotoField`` in hazards/photos.py, and
``Evidence.store`` for a file handed to a model step directly).

A photo is never trusted by its name or its header: it is decoded once, bounded in
bytes and pixels, re-encoded (dropping metadata and anything hidden after the image
data), stored under a random name and hashed. The work is ordered cheapest first, so a
hostile request costs as little as possible (docs/architecture.md, "Photos"):

1. the number of photos per field and the bytes of each file — no image work at all;
2. the header of every photo of the request: format and declared width × height, read
   by ``Image.open`` without ``load()``, so a decompression bomb is refused before a
   single pixel is allocated;
3. the request's pixel budget, summed over all its photos;
4. one decode per photo: EXIF capture time, orientation, re-encoding, SHA-256.

The fields run steps 2–4 only once every other field of the request is valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_DATETIME = 0x0132
EXIF_IFD = 0x8769


@dataclass(frozen=True)
class PhotoLimits:
    """The bounds of config/settings.py (``EVIDENCE_*``), read when a request is checked
    so that a test's ``settings`` override applies."""

    count: int  # photos per field
    bytes: int  # per file
    pixels: int  # per photo, width × height as declared
    request_pixels: int  # all photos of one request together

    @classmethod
    def current(cls) -> PhotoLimits:
        return cls(
            count=settings.EVIDENCE_MAX_PHOTOS,
            bytes=settings.EVIDENCE_MAX_BYTES,
            pixels=settings.EVIDENCE_MAX_PIXELS,
            request_pixels=settings.EVIDENCE_MAX_REQUEST_PIXELS,
        )


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


@dataclass
class _Opened:
    """A photo whose header has been read and accepted; not decoded yet."""

    name: str
    raw: bytes
    image: Image.Image
    format: str

    @property
    def pixels(self) -> int:
        return self.image.width * self.image.height


# --- messages ------------------------------------------------------------------------


def _too_many(limit: int) -> str:
    return _("一次最多上传 %(n)d 张照片。") % {"n": limit}


def _too_big(limit: int) -> str:
    return _("照片不能超过 %(mb)d MB。") % {"mb": limit // (1024 * 1024)}


def _too_many_pixels(limit: int) -> str:
    return _("照片像素过大（不超过 %(mp)d 百万像素）。") % {"mp": limit // 1_000_000}


def _over_budget(limit: int) -> str:
    return _("本次上传的照片合计像素过大（不超过 %(mp)d 百万像素），请分批上传。") % {
        "mp": limit // 1_000_000
    }


def _not_an_image() -> str:
    return _("文件不是有效的图片（只接受 JPEG、PNG 或 WebP）。")


def _wrong_format() -> str:
    return _("只接受 JPEG、PNG 或 WebP 格式的照片。")


def _named(name: str, message: str) -> str:
    """A message that says which file it is about (a request may carry twenty)."""
    return f"{name}：{message}" if name else message


def _name(upload) -> str:
    return getattr(upload, "name", "") or ""


# --- the steps -----------------------------------------------------------------------


def check_count(uploads: list, limits: PhotoLimits) -> None:
    """Step 1: no more than ``limits.count`` photos in one field."""
    if len(uploads) > limits.count:
        raise ValidationError(_too_many(limits.count), code="max_photos")


def check_size(upload, limits: PhotoLimits) -> None:
    """Step 1: the file's size as the upload handler counted it (no read)."""
    size = getattr(upload, "size", None)
    if size is not None and size > limits.bytes:
        raise ValidationError(_named(_name(upload), _too_big(limits.bytes)), code="max_bytes")


def open_header(upload, limits: PhotoLimits) -> _Opened:
    """Step 2: read the file (bounded) and its image header; decode nothing."""
    check_size(upload, limits)
    name = _name(upload)
    upload.seek(0)
    raw = upload.read(limits.bytes + 1)
    if len(raw) > limits.bytes:
        raise ValidationError(_named(name, _too_big(limits.bytes)), code="max_bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard (Image.MAX_IMAGE_PIXELS, hazards/apps.py) fired first.
        raise ValidationError(
            _named(name, _too_many_pixels(limits.pixels)), code="max_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_named(name, _not_an_image()), code="not_an_image") from None
    if image.width * image.height > limits.pixels:
        raise ValidationError(_named(name, _too_many_pixels(limits.pixels)), code="max_pixels")
    if image.format not in ALLOWED_FORMATS:
        raise ValidationError(_named(name, _wrong_format()), code="format")
    return _Opened(name=name, raw=raw, image=image, format=image.format)


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


def decode(opened: _Opened) -> ProcessedImage:
    """Step 4: the photo's one decode, then re-encoding and hashing."""
    img = opened.image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img.load()
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise ValidationError(_named(opened.name, _not_an_image()), code="not_an_image") from None
    captured = _captured_at(img)
    # Re-encode: drops any payload hidden after the image data and all metadata,
    # after applying the EXIF orientation so the photo shows the right way up.
    img = ImageOps.exif_transpose(img)
    content_type, ext = ALLOWED_FORMATS[opened.format]
    out = io.BytesIO()
    if opened.format == "JPEG":
        img.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif opened.format == "PNG":
        img.save(out, "PNG", optimize=True)
    else:
        img.save(out, "WEBP", quality=85)
    data = out.getvalue()
    return ProcessedImage(
        file=ContentFile(data, name=f"{secrets.token_hex(16)}.{ext}"),
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        original_sha256=hashlib.sha256(opened.raw).hexdigest(),
        size=len(data),
        width=img.width,
        height=img.height,
        captured_at=captured,
    )


def process_photos(
    fields: Mapping[str, Iterable], limits: PhotoLimits | None = None
) -> dict[str, list[ProcessedImage]]:
    """Steps 1–4 for all the photos of one request, ``{field name: uploads}``.

    Raises ``ValidationError({field: [messages]})`` naming each bad file; nothing is
    decoded unless every header of the request is acceptable and within the budget."""
    limits = limits or PhotoLimits.current()
    errors: dict[str, list] = {}
    opened: dict[str, list[_Opened]] = {}
    for field, uploads in fields.items():
        uploads = list(uploads)
        try:
            check_count(uploads, limits)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
            continue
        for upload in uploads:
            try:
                opened.setdefault(field, []).append(open_header(upload, limits))
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    total = 0
    for field, photos in opened.items():
        total += sum(photo.pixels for photo in photos)
        if total > limits.request_pixels:
            raise ValidationError({field: [_over_budget(limits.request_pixels)]})
    processed: dict[str, list[ProcessedImage]] = {}
    for field, photos in opened.items():
        for photo in photos:
            try:
                processed.setdefault(field, []).append(decode(photo))
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return processed


def process_image(upload) -> ProcessedImage:
    """One photo handed to a model step directly (``Evidence.store`` of a file that did
    not come through a photo field: seed data, tests): the same checks, one decode."""
    return process_photos({"evidence": [upload]})["evidence"][0]
