"""Evidence photos through the API: decoded not trusted, bounded, re-encoded, hashed,
stored under random names and served only through the scoped view."""

import datetime as dt
import hashlib
import io
import re
import resource
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from hazards.models import EventKind, Evidence
from tests.support import factories as f
from tests.support.api import last_event, snapshot, url
from tests.support.files import (
    gif,
    image_bytes,
    jpeg,
    jpeg_with_exif,
    png,
    png_declaring,
    upload,
    webp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def hazard(world):
    return f.make_hazard(
        enterprise=world.ent_a, by=world.inspector, person=world.user_a, leader_user=world.leader_a
    )


def _submit(api, world, hazard, **files):
    return api(world.user_a).post(
        url(hazard, "submit"), {"note": "已整改", **files}, format="multipart"
    )


@pytest.mark.parametrize(
    ("make", "content_type"),
    [(jpeg, "image/jpeg"), (png, "image/png"), (webp, "image/webp")],
)
def test_jpeg_png_and_webp_are_accepted_and_reencoded(world, api, hazard, make, content_type):
    original = make()
    raw = original.read()
    original.seek(0)
    resp = _submit(api, world, hazard, evidence=[original])
    assert resp.status_code == 200, resp.content
    photo = Evidence.objects.get(hazard=hazard)
    assert photo.phase == Evidence.Phase.AFTER
    assert photo.content_type == content_type
    assert photo.event == last_event(hazard)
    assert photo.event.kind == EventKind.SUBMITTED
    assert photo.uploaded_by == world.user_a
    assert photo.original_sha256 == hashlib.sha256(raw).hexdigest()
    stored = Path(photo.file.path).read_bytes()
    assert photo.sha256 == hashlib.sha256(stored).hexdigest()
    assert photo.size == len(stored)
    with Image.open(io.BytesIO(stored)) as img:
        assert img.format == content_type.split("/")[1].upper()
        assert (img.width, img.height) == (photo.width, photo.height)


def test_stored_under_a_random_name_never_the_uploaded_one(world, api, hazard):
    resp = _submit(api, world, hazard, evidence=[jpeg("../../etc/张三的照片.jpg"), jpeg("x.jpg")])
    assert resp.status_code == 200, resp.content
    names = [Path(p.file.name).name for p in Evidence.objects.filter(hazard=hazard)]
    assert len(names) == 2 and len(set(names)) == 2
    for name in names:
        assert re.fullmatch(r"[0-9a-f]{32}\.jpg", name)
    for p in Evidence.objects.filter(hazard=hazard):
        assert Path(p.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_before_and_after_photos_on_submit(world, api, hazard):
    resp = _submit(api, world, hazard, before=[png()], evidence=[jpeg(), webp()])
    assert resp.status_code == 200, resp.content
    phases = sorted(Evidence.objects.filter(hazard=hazard).values_list("phase", flat=True))
    assert phases == ["after", "after", "before"]


def test_exif_capture_time_is_kept(world, api, hazard):
    resp = _submit(api, world, hazard, evidence=[jpeg_with_exif("2026:03:04 09:15:30")])
    assert resp.status_code == 200, resp.content
    photo = Evidence.objects.get(hazard=hazard)
    assert timezone.localtime(photo.captured_at).replace(tzinfo=None) == dt.datetime(
        2026, 3, 4, 9, 15, 30
    )
    listed = api(world.user_a).get(url(hazard, "evidence")).json()["results"][0]
    assert listed["captured_at"].startswith("2026-03-04T09:15:30")
    # Metadata is dropped on re-encoding: the stored file carries no EXIF.
    with Image.open(photo.file.path) as img:
        assert not img.getexif()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: upload(b"these are my notes, not a photo\n" * 20, "notes.jpg"), "有效的图片"),
        (lambda: upload(b"\xff\xd8\xff\xe0" + b"\x00" * 200, "header_only.jpg"), "有效的图片"),
        (gif, "JPEG、PNG 或 WebP"),
    ],
)
def test_non_images_and_gifs_are_refused(world, api, hazard, make, message):
    before = snapshot(hazard)
    resp = _submit(api, world, hazard, evidence=[make()])
    assert resp.status_code == 400
    assert message in resp.json()["evidence"][0]
    assert snapshot(hazard) == before
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_a_file_over_10_mb_is_refused(world, api, hazard):
    big = image_bytes("PNG") + b"\x00" * (10 * 1024 * 1024)
    before = snapshot(hazard)
    resp = _submit(api, world, hazard, evidence=[upload(big, "big.png", "image/png")])
    assert resp.status_code == 400
    assert "10 MB" in resp.json()["evidence"][0]
    assert snapshot(hazard) == before


@pytest.mark.parametrize("size", [(20000, 20000), (8000, 6000)])
def test_a_decompression_bomb_is_refused_quickly_without_decoding(world, api, hazard, size):
    bomb = png_declaring(*size)
    assert len(bomb) < 20_000  # tiny on disk, 400 or 48 megapixels declared
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    before = snapshot(hazard)
    resp = _submit(api, world, hazard, evidence=[upload(bomb, "bomb.png", "image/png")])
    elapsed = time.monotonic() - started
    assert resp.status_code == 400
    assert "像素过大" in resp.json()["evidence"][0]
    assert snapshot(hazard) == before
    assert elapsed < 2
    # Decoding 20000x20000 even at one byte per pixel would need 400 MB.
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert grown_kb < 100 * 1024


def test_one_bad_photo_refuses_the_whole_submission(world, api, hazard):
    before = snapshot(hazard)
    resp = _submit(api, world, hazard, evidence=[jpeg(), gif()], before=[png()])
    assert resp.status_code == 400
    assert snapshot(hazard) == before
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_too_many_photos_are_refused(world, api, hazard):
    before = snapshot(hazard)
    resp = _submit(api, world, hazard, evidence=[jpeg() for _ in range(11)])
    assert resp.status_code == 400
    assert snapshot(hazard) == before


def test_review_photos(world, api, hazard):
    hazard.submit(by=world.user_a, note="已整改")
    resp = api(world.inspector).post(
        url(hazard, "review"), {"result": "pass", "evidence": [jpeg()]}, format="multipart"
    )
    assert resp.status_code == 200, resp.content
    photo = Evidence.objects.get(hazard=hazard)
    assert photo.phase == Evidence.Phase.REVIEW
    assert photo.event.kind == EventKind.REVIEW_PASSED


# --- reading and serving ----------------------------------------------------------------


def test_evidence_list_shows_hash_time_phase_and_a_scoped_url(world, api, hazard):
    _submit(api, world, hazard, before=[png()], evidence=[jpeg()])
    resp = api(world.user_a).get(url(hazard, "evidence"))
    assert resp.status_code == 200
    rows = resp.json()["results"]
    assert [r["phase"] for r in rows] == ["before", "after"]
    for row in rows:
        photo = Evidence.objects.get(pk=row["id"])
        assert row["sha256"] == photo.sha256
        assert row["url"].endswith(f"/api/v1/evidence/{photo.pk}/file/")
        assert settings.MEDIA_URL not in row["url"]
        assert "captured_at" in row
    assert api(world.user_b).get(url(hazard, "evidence")).status_code == 404
    assert api(world.inspector_housing).get(url(hazard, "evidence")).status_code == 404


def test_file_download_is_scoped_like_the_hazard(world, api, hazard):
    _submit(api, world, hazard, evidence=[jpeg()])
    photo = Evidence.objects.get(hazard=hazard)
    path = f"/api/v1/evidence/{photo.pk}/file/"
    for who in ("user_a", "user_a2", "inspector", "bureau", "leader_a"):
        resp = api(getattr(world, who)).get(path, HTTP_ACCEPT="image/*")
        assert resp.status_code == 200, who
        assert resp["Content-Type"] == "image/jpeg"
        body = b"".join(resp.streaming_content)
        assert hashlib.sha256(body).hexdigest() == photo.sha256
    for who in ("user_b", "inspector_housing", "leader_other"):
        resp = api(getattr(world, who)).get(path)
        assert resp.status_code == 404, who
    assert api().get(path).status_code in (401, 403)
    assert api(world.user_a).get("/api/v1/evidence/999999/file/").status_code == 404
    assert api(world.user_b).get(f"/api/v1/evidence/{photo.pk}/").status_code == 404


def test_a_browser_image_request_gets_json_errors(world, api, hazard):
    resp = api(world.user_b).get("/api/v1/evidence/999999/file/", HTTP_ACCEPT="image/webp")
    assert resp.status_code == 404
    assert resp["Content-Type"].startswith("application/json")


def test_media_is_not_served_publicly(world, api, hazard, client):
    _submit(api, world, hazard, evidence=[jpeg()])
    photo = Evidence.objects.get(hazard=hazard)
    assert client.get(settings.MEDIA_URL + photo.file.name).status_code == 404
    assert client.get("/media/" + photo.file.name).status_code == 404
