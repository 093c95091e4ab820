"""Files the tests upload: real images made with Pillow, hostile ones, and fakes."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 30, 30), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt, **save)
    return buf.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg(name: str = "photo.jpg", **kw) -> SimpleUploadedFile:
    return upload(image_bytes("JPEG", **kw), name, "image/jpeg")


def png(name: str = "photo.png", **kw) -> SimpleUploadedFile:
    return upload(image_bytes("PNG", **kw), name, "image/png")


def webp(name: str = "photo.webp", **kw) -> SimpleUploadedFile:
    return upload(image_bytes("WEBP", **kw), name, "image/webp")


def gif(name: str = "photo.gif", **kw) -> SimpleUploadedFile:
    return upload(image_bytes("GIF", **kw), name, "image/gif")


def jpeg_with_exif(taken: str = "2026:03:04 09:15:30", name: str = "IMG_0001.jpg"):
    """A JPEG whose EXIF says when it was taken (DateTimeOriginal)."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 10)).save(buf, "JPEG", exif=exif)
    return upload(buf.getvalue(), name)


def fake_image(name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    """Text (a script) named and typed as an image."""
    return SimpleUploadedFile(name, b"<?php echo 'not an image'; ?>", content_type=content_type)


def text_named_jpg(name: str = "notes.jpg") -> SimpleUploadedFile:
    return upload(b"these are my notes, not a photo\n" * 20, name)


def pdf_bytes(text: str = "not an image") -> bytes:
    """A minimal PDF (enough for a sniffing check; not a full document)."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def pdf(name: str = "report.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type=content_type)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header declares width × height (1-bit grey): a
    decompression bomb if anyone decodes it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    # Only the first rows are present: enough for a parser, too little to matter.
    idat = zlib.compress(row * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def jpeg_file(folder: Path, name: str = "photo.jpg", color=(180, 90, 40), size=(320, 240)) -> str:
    """A JPEG written to disk (for a browser's file input); returns its path."""
    path = Path(folder) / name
    Image.new("RGB", size, color).save(path, "JPEG", quality=85)
    return str(path)


def count_calls(monkeypatch, owner, name: str) -> list:
    """Wrap ``owner.name`` so that every call is recorded; returns the record. With
    ``PIL.Image, "_getdecoder"`` it counts image decodes (one per decoded image), with
    ``PIL.Image, "open"`` the headers read."""
    calls: list = []
    real = getattr(owner, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls
