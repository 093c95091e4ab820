"""The ledger as .xlsx in the familiar 台帐 layout.

Streams: rows come from the database in chunks (``values_list`` + ``iterator``),
openpyxl's write-only mode writes each row straight to its temporary XML, and
the finished workbook is a temporary file that the response streams. 100k rows
never sit in memory at once.
"""

from __future__ import annotations

import tempfile
from typing import IO

from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from enterprises.models import Industry

from .models import Category, HazardQuerySet, Level, State

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000

# Widths in Excel character units; a CJK character takes about two.
COLUMNS: list[tuple[Promise, float]] = [
    (gettext_lazy("序号"), 6),
    (gettext_lazy("隐患编号"), 16),
    (gettext_lazy("企业名称"), 28),
    (gettext_lazy("所属乡镇"), 12),
    (gettext_lazy("行业"), 14),
    (gettext_lazy("检查日期"), 12),
    (gettext_lazy("隐患描述"), 44),
    (gettext_lazy("隐患位置"), 18),
    (gettext_lazy("隐患类别"), 16),
    (gettext_lazy("隐患等级"), 10),
    (gettext_lazy("整改措施"), 40),
    (gettext_lazy("整改资金"), 12),
    (gettext_lazy("整改责任人"), 12),
    (gettext_lazy("责任领导"), 12),
    (gettext_lazy("整改期限"), 12),
    (gettext_lazy("整改状态"), 16),
    (gettext_lazy("复查次数/不合格次数"), 22),
    (gettext_lazy("销号日期"), 12),
]
WRAPPED_COLUMNS = (6, 10)  # 隐患描述, 整改措施 (0-based)

_FIELDS = (
    "code",
    "enterprise__name",
    "township__name",
    "industry",
    "inspection__inspected_on",
    "title",
    "description",
    "location",
    "category",
    "level",
    "measures",
    "funds",
    "responsible_person__display_name",
    "responsible_person__username",
    "responsible_leader__display_name",
    "responsible_leader__username",
    "deadline",
    "state",
    "is_overdue_flag",
    "reviews",
    "failed_reviews",
    "closed_at",
)


def headers() -> list[str]:
    return [str(name) for name, _width in COLUMNS]


def write_ledger(queryset: HazardQuerySet, out: IO[bytes], *, title: str | None = None) -> int:
    """Write the (already scoped and filtered) hazards to ``out``; return the row count."""
    labels = {
        "state": {k: str(v) for k, v in State.choices},
        "level": {k: str(v) for k, v in Level.choices},
        "category": {k: str(v) for k, v in Category.choices},
        "industry": {k: str(v) for k, v in Industry.choices},
    }
    overdue_suffix = _("（已逾期）")
    today = timezone.localdate()
    title = title or _("安全生产事故隐患排查治理台帐（导出日期：%(date)s）") % {
        "date": today.isoformat()
    }

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("隐患台帐"))
    last_col = get_column_letter(len(COLUMNS))
    # Column widths, frozen panes and merges must be set before the first row is written.
    for idx, (_name, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = "A3"
    ws.merged_cells.add(f"A1:{last_col}1")

    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = Font(bold=True, size=16)
    title_cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([title_cell])

    thin = Side(style="thin", color="999999")
    header_row = []
    for text in headers():
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        header_row.append(cell)
    ws.append(header_row)

    wrap = Alignment(wrap_text=True, vertical="top")

    rows = queryset.with_flags().values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    count = 0
    for (
        code,
        enterprise,
        township,
        industry,
        inspected_on,
        hazard_title,
        description,
        location,
        category,
        level,
        measures,
        funds,
        person_name,
        person_username,
        leader_name,
        leader_username,
        deadline,
        state,
        is_overdue,
        reviews,
        failed_reviews,
        closed_at,
    ) in rows:
        count += 1
        state_label = labels["state"].get(state, state)
        if is_overdue:
            state_label += overdue_suffix
        values = [
            count,
            code,
            enterprise,
            township,
            labels["industry"].get(industry, industry),
            inspected_on,  # a date: openpyxl writes it with a date number format
            f"{hazard_title}：{description}" if description else hazard_title,
            location,
            labels["category"].get(category, category),
            labels["level"].get(level, level),
            measures,
            funds,
            person_name or person_username,
            leader_name or leader_username,
            deadline,
            state_label,
            f"{reviews}/{failed_reviews}",
            timezone.localtime(closed_at).date() if closed_at else None,
        ]
        for i in WRAPPED_COLUMNS:
            cell = WriteOnlyCell(ws, value=values[i])
            cell.alignment = wrap
            values[i] = cell
        ws.append(values)
    wb.save(out)
    return count


def ledger_response(queryset: HazardQuerySet, *, filename: str | None = None) -> FileResponse:
    """A streamed download of the ledger. The workbook is built in a temporary file,
    which the response reads in blocks and closes (and so deletes) when done."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    write_ledger(queryset, out)
    out.seek(0)
    filename = filename or _("隐患台帐-%(date)s.xlsx") % {
        "date": timezone.localdate().strftime("%Y%m%d")
    }
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
