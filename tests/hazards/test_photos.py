"""The one photo field (hazards/photos.py on hazards/evidence.py): cheap checks first,
headers before pixels, a pixel budget per request, one decode per photo."""

import time

import pytest
from django.conf import settings
from PIL import Image

from hazards.models import Evidence, Hazard
from tests.support.api import HAZARDS, payload, snapshot, url
from tests.support.files import (
    count_calls,
    jpeg,
    png,
    png_declaring,
    text_named_jpg,
    upload,
)
from tests.support.world import hazard_of_a

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def decodes(monkeypatch):
    return count_calls(monkeypatch, Image, "_getdecoder")


@pytest.fixture
def opens(monkeypatch):
    return count_calls(monkeypatch, Image, "open")


@pytest.fixture
def hazard(world):
    return hazard_of_a(world)


def bomb(width: int, height: int, name: str = "bomb.png"):
    return upload(png_declaring(width, height), name, "image/png")


def submit(api, world, hazard, **data):
    return api(world.user_a).post(
        url(hazard, "submit"), {"note": "已整改", **data}, format="multipart"
    )


def test_each_photo_is_decoded_once_through_the_api(world, api, hazard, decodes):
    resp = submit(api, world, hazard, evidence=[jpeg(), jpeg("b.jpg")], before=[png()])
    assert resp.status_code == 200, resp.content
    assert Evidence.objects.filter(hazard=hazard).count() == 3
    assert len(decodes) == 3


def test_each_photo_is_decoded_once_through_a_form(world, client, hazard, decodes):
    client.force_login(world.user_a)
    resp = client.post(
        f"/hazards/{hazard.pk}/submit/",
        {"submit-note": "已整改", "submit-evidence": [jpeg(), jpeg("b.jpg")]},
    )
    assert resp.status_code == 302
    assert Evidence.objects.filter(hazard=hazard).count() == 2
    assert len(decodes) == 2


def test_a_hostile_6320_square_png_is_refused_from_its_header(world, api, hazard, decodes):
    # 6320 × 6320 is just under 40 megapixels: the old bound let it through to a full
    # decode (~120 MB, seconds of CPU) from a file of a few kilobytes.
    hostile = bomb(6320, 6320)
    assert hostile.size < 20_000
    before = snapshot(hazard)
    started = time.monotonic()
    resp = submit(api, world, hazard, evidence=[hostile])
    assert time.monotonic() - started < 1.5
    assert resp.status_code == 400
    assert "像素过大" in resp.json()["evidence"][0]
    assert decodes == []
    assert snapshot(hazard) == before


def test_an_empty_note_is_refused_before_any_image_is_opened(world, api, hazard, opens, decodes):
    # Ten photos each within the per-photo bound, declaring 12 megapixels apiece.
    photos = [bomb(4000, 3000, f"p{i}.png") for i in range(10)]
    resp = submit(api, world, hazard, note="", evidence=photos)
    assert resp.status_code == 400
    assert set(resp.json()) == {"note"}
    assert opens == [] and decodes == []


def test_an_empty_note_on_the_page_is_refused_before_any_image_is_opened(
    world, client, hazard, opens
):
    client.force_login(world.user_a)
    photos = [bomb(4000, 3000, f"p{i}.png") for i in range(10)]
    resp = client.post(
        f"/hazards/{hazard.pk}/submit/", {"submit-note": "", "submit-evidence": photos}
    )
    assert resp.status_code == 200
    assert "note" in resp.context["forms"]["submit"].errors
    assert opens == []


def test_the_pixel_budget_covers_all_the_photos_of_a_request(world, api, hazard, settings, decodes):
    settings.EVIDENCE_MAX_REQUEST_PIXELS = 5_000  # two 64 × 48 photos make 6 144
    before = snapshot(hazard)
    resp = submit(api, world, hazard, evidence=[jpeg()], before=[jpeg("b.jpg")])
    assert resp.status_code == 400
    assert "合计像素" in " ".join(resp.json()["before"])
    assert decodes == []
    assert snapshot(hazard) == before


def test_a_text_file_named_jpg_is_a_400_naming_the_field_and_the_file(world, api):
    data = payload(world, before=[text_named_jpg("notes.jpg")])
    resp = api(world.inspector).post(HAZARDS, data, format="multipart")
    assert resp.status_code == 400
    message = resp.json()["before"][0]
    assert "notes.jpg" in message and "不是有效的图片" in message
    assert not Hazard.objects.exists()


def test_the_count_limit_comes_from_the_settings(world, api, hazard, settings, opens):
    settings.EVIDENCE_MAX_PHOTOS = 2
    resp = submit(api, world, hazard, evidence=[jpeg(), jpeg(), jpeg()])
    assert resp.status_code == 400
    assert "最多上传 2 张" in resp.json()["evidence"][0]
    assert opens == []


def test_pillow_refuses_bombs_everywhere_in_the_process():
    assert Image.MAX_IMAGE_PIXELS == settings.EVIDENCE_MAX_PIXELS
