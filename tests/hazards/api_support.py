"""Helpers for the hazard API tests: payloads and real image files."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hazards.models import Hazard, HazardEvent

HAZARDS = "/api/v1/hazards/"


def url(hazard, action: str | None = None) -> str:
    pk = hazard.pk if hasattr(hazard, "pk") else hazard
    return f"{HAZARDS}{pk}/" + (f"{action}/" if action else "")


def future(days: int = 10) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def payload(world, **over) -> dict:
    """A valid registration for enterprise A (JSON)."""
    data = {
        "enterprise": world.ent_a.pk,
        "title": "消防通道堵塞",
        "description": "二号仓库消防通道堆放杂物。",
        "location": "二号仓库",
        "category": "environment",
        "level": "general",
        "measures": "清理杂物，设置禁止堆放标识",
        "responsible_person": world.user_a.pk,
        "responsible_leader": world.leader_a.pk,
        "deadline": future().isoformat(),
        "funds": "500.00",
    }
    data.update(over)
    return data


def snapshot(hazard: Hazard) -> tuple:
    """Everything a refused request must leave unchanged."""
    hazard.refresh_from_db()
    return (
        hazard.state,
        hazard.deadline,
        hazard.level,
        hazard.failed_reviews,
        hazard.reviews,
        hazard.closed_at,
        HazardEvent.objects.filter(hazard=hazard).count(),
        hazard.evidence.count(),
    )


def last_event(hazard: Hazard) -> HazardEvent:
    return HazardEvent.objects.filter(hazard=hazard).order_by("-created_at", "-pk").first()


# --- images --------------------------------------------------------------------------


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 30, 30), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt, **save)
    return buf.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg(name: str = "photo.jpg", **kw):
    return upload(image_bytes("JPEG", **kw), name, "image/jpeg")


def png(name: str = "photo.png"):
    return upload(image_bytes("PNG"), name, "image/png")


def webp(name: str = "photo.webp"):
    return upload(image_bytes("WEBP"), name, "image/webp")


def gif(name: str = "photo.gif"):
    return upload(image_bytes("GIF"), name, "image/gif")


def jpeg_with_exif(taken: str = "2026:03:04 09:15:30") -> SimpleUploadedFile:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 10)).save(buf, "JPEG", exif=exif)
    return upload(buf.getvalue(), "IMG_0001.jpg")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header declares width x height (1-bit grey):
    a decompression bomb if anyone decodes it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    # Only the first rows are present: enough for a parser, too little to matter.
    idat = zlib.compress(row * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )
