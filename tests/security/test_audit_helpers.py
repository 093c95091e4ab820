"""config/audit.py: the trigger operations every app's migration uses refuse what they say."""

import pytest
from django.db import DatabaseError, connection, transaction

from config.audit import append_only, no_delete

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scratch_table():
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE audit_scratch (id serial primary key, v text)")
        cur.execute("INSERT INTO audit_scratch (v) VALUES ('a')")
    yield "audit_scratch"
    with connection.cursor() as cur:
        cur.execute("DROP TABLE audit_scratch")


def _apply(operation):
    with connection.schema_editor() as editor:
        operation.code(None, editor)


def _refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    except DatabaseError as exc:
        assert "not allowed" in str(exc)
        return True
    return False


def test_append_only_refuses_update_and_delete_but_allows_insert(scratch_table):
    _apply(append_only(scratch_table))
    assert _refused("UPDATE audit_scratch SET v = 'b'")
    assert _refused("DELETE FROM audit_scratch")
    assert not _refused("INSERT INTO audit_scratch (v) VALUES ('c')")


def test_no_delete_allows_update_and_refuses_delete(scratch_table):
    _apply(no_delete(scratch_table))
    assert not _refused("UPDATE audit_scratch SET v = 'b'")
    assert _refused("DELETE FROM audit_scratch")
