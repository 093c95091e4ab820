"""make backup / make restore: a dump restored into a fresh database has every hazard,
event and evidence checksum, and the evidence files come back byte for byte."""

import hashlib
import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from hazards.models import Evidence, Hazard, HazardEvent
from tests.support import factories as f
from tests.support.files import jpeg as _jpeg

ROOT = Path(__file__).resolve().parents[2]


def _url(dbname: str) -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{s.get('USER') or 'postgres'}@{host}:{port}/{dbname}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    dept = f.DepartmentFactory(name="县应急管理局", is_bureau=True)
    ent = f.EnterpriseFactory(supervising_department=dept)
    inspector = f.inspector(dept)
    officer = f.enterprise_user(ent)
    hazards = [f.make_hazard(enterprise=ent, by=inspector, person=officer) for _ in range(3)]
    hazards[0].submit(by=officer, note="已整改", evidence=[_jpeg(), _jpeg()])
    hazards[0].review(by=inspector, passed=True, comment="合格")

    expected_hazards = set(Hazard.objects.values_list("code", "state"))
    expected_events = HazardEvent.objects.count()
    expected_sha = {(e.file.name, e.sha256) for e in Evidence.objects.all()}
    assert len(expected_sha) == 2

    backup_dir = tmp_path / "backups"
    env = {
        **os.environ,
        "DATABASE_URL": _url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "BACKUP_DIR": str(backup_dir),
    }
    out = subprocess.run(
        ["make", "-s", "backup"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    dump = out.stdout.strip().splitlines()[-1]
    assert dump.endswith(".dump") and Path(dump).exists()

    fresh = f"restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored_media = tmp_path / "restored-media"
        env.update(DATABASE_URL=_url(fresh), MEDIA_ROOT=str(restored_media))
        out = subprocess.run(
            ["make", "-s", "restore", f"FILE={dump}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        with psycopg2.connect(_url(fresh)) as conn, conn.cursor() as cur:
            cur.execute("SELECT code, state FROM hazards_hazard")
            assert set(cur.fetchall()) == expected_hazards
            cur.execute("SELECT count(*) FROM hazards_hazardevent")
            assert cur.fetchone()[0] == expected_events
            cur.execute("SELECT file, sha256 FROM hazards_evidence")
            restored = set(cur.fetchall())
        conn.close()
        assert restored == expected_sha
        for name, sha in restored:
            data = (restored_media / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == sha
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()
