"""Rows into tables fast: ``COPY … FROM STDIN`` on PostgreSQL, ``bulk_create`` elsewhere,
and explicit ids so rows can reference each other before they are written."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import connection, models
from django.db.models import Max


@dataclass
class Ids:
    """Next id per table: explicit ids let rows reference each other before insertion."""

    next: dict = field(default_factory=dict)

    def start(self, model) -> int:
        if model not in self.next:
            current = model.objects.aggregate(m=Max("pk"))["m"] or 0
            self.next[model] = current + 1
        return self.next[model]

    def take(self, model, n: int = 1) -> int:
        first = self.start(model)
        self.next[model] = first + n
        return first


def copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if isinstance(value, dt.datetime | dt.date | Decimal | int | float):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, dict | list):
        return copy_text(json.dumps(value, ensure_ascii=False))
    return copy_text(str(value))


class Writer:
    """Writes rows (tuples in ``columns`` order) of a model; the model's other columns
    get their field defaults. COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, model, columns: list[str], *, batch: int = 50_000):
        self.model, self.columns, self.batch = model, columns, batch
        self.postgres = connection.vendor == "postgresql"
        fields = [f for f in model._meta.concrete_fields]
        self.extra = []
        for f in fields:
            if f.attname in columns or (f.primary_key and isinstance(f, models.AutoField)):
                continue  # given, or left to the database's sequence
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                default = dt.datetime.now(tz=dt.UTC)
            else:
                default = f.get_default()  # the declared default, "" for text, or None
            if default is None and not f.null:
                raise CommandError(f"seed_bulk does not know how to fill {model.__name__}.{f.name}")
            self.extra.append((f.attname, default))
        self.all_columns = columns + [name for name, _v in self.extra]
        self.extra_text = "".join("\t" + copy_text(v) for _n, v in self.extra)
        self.extra_values = tuple(v for _n, v in self.extra)
        self.pending: list = []
        self.count = 0
        self.seconds = 0.0

    def add(self, row: tuple) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        started = time.perf_counter()
        rows, self.pending = self.pending, []
        if self.postgres:
            buf = io.StringIO()
            extra = self.extra_text
            buf.writelines("\t".join([copy_text(v) for v in row]) + extra + "\n" for row in rows)
            buf.seek(0)
            cols = ", ".join(connection.ops.quote_name(c) for c in self.all_columns)
            table = connection.ops.quote_name(self.model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.copy_expert(f"COPY {table} ({cols}) FROM STDIN", buf)
        else:
            names = self.all_columns
            objs = [
                self.model(**dict(zip(names, row + self.extra_values, strict=True))) for row in rows
            ]
            self.model.objects.bulk_create(objs, batch_size=500)
        self.count += len(rows)
        self.seconds += time.perf_counter() - started
