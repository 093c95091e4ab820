"""Photos through the inspections API: the same field as the ledger's (hazards/photos.py),
so the count limit (there was none) and the single decode hold here too."""

import pytest
from PIL import Image

from hazards.models import Evidence, Hazard
from tests.support.files import count_calls, fake_image, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def record(client, inspection, item, data):
    return client.patch(
        f"/api/v1/inspections/{inspection.pk}/items/{item.pk}/", data, format="multipart"
    )


@pytest.fixture
def failed_item(world, checklist, start):
    inspection = start(template=checklist)
    return inspection, inspection.items.get(code="T-01")


def test_more_photos_than_the_limit_are_refused(world, api, plan, failed_item, settings):
    inspection, item = failed_item
    photos = [png(f"p{i}.png") for i in range(settings.EVIDENCE_MAX_PHOTOS + 1)]
    resp = record(
        api(world.inspector), inspection, item, {"result": "fail", **plan, "before": photos}
    )
    assert resp.status_code == 400
    assert "最多上传" in resp.json()["before"][0]
    assert not Hazard.objects.exists() and not Evidence.objects.exists()


def test_each_photo_is_decoded_once(world, api, plan, failed_item, monkeypatch):
    decodes = count_calls(monkeypatch, Image, "_getdecoder")
    inspection, item = failed_item
    resp = record(
        api(world.inspector), inspection, item, {"result": "fail", **plan, "before": [png(), png()]}
    )
    assert resp.status_code == 200, resp.content
    assert Evidence.objects.count() == 2
    assert len(decodes) == 2


def test_a_fake_file_is_a_400_naming_the_field_and_the_file(world, api, plan, failed_item):
    inspection, item = failed_item
    resp = record(
        api(world.inspector),
        inspection,
        item,
        {"result": "fail", **plan, "before": [fake_image("scan.jpg", "image/jpeg")]},
    )
    assert resp.status_code == 400
    message = resp.json()["before"][0]
    assert "scan.jpg" in message and "不是有效的图片" in message
    assert not Hazard.objects.exists()
