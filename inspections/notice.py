"""The rectification notice (责令限期整改指令书) as an A4 PDF.

ReportLab's built-in CID font STSong-Light renders Chinese with the viewer's
Adobe-GB1 fonts: nothing is embedded and no system font is needed on the server
(county machines are often bare). Text stays extractable, which the tests use.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from enterprises.models import Department
from hazards.models import EventKind, Hazard, Level, State

from .models import Inspection

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

LEGAL_BASIS = (
    "依据《中华人民共和国安全生产法》第六十五条第一款第（三）项和《安全生产事故隐患"
    "排查治理暂行规定》第二十条的规定，现责令你单位对下列事故隐患于规定期限内整改完毕，"
    "做到整改措施、责任、资金、时限和预案“五落实”，并于整改期限届满之日起三日内将整改"
    "情况书面报告我单位。整改期间应当采取相应的安全防范措施，确保安全；重大事故隐患排除"
    "前或者排除过程中无法保证安全的，应当从危险区域内撤出作业人员，暂时停产停业或者停止"
    "使用相关设施、设备。"
)
CONSEQUENCE = (
    "逾期未整改或者整改不到位的，将依据《中华人民共和国安全生产法》第一百零二条的规定"
    "依法处理；同一隐患两次整改不到位的，将追究有关领导和人员的责任。"
)
REMEDY = (
    "如不服本指令，可以依法在六十日内申请行政复议，或者在六个月内依法向人民法院提起"
    "行政诉讼，但本指令不停止执行，法律另有规定的除外。"
)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "authority": ParagraphStyle("authority", base, fontSize=14, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", base, fontSize=20, leading=28, alignment=TA_CENTER, spaceBefore=4
        ),
        "number": ParagraphStyle("number", base, alignment=TA_RIGHT, spaceAfter=8),
        "body": ParagraphStyle("body", base, firstLineIndent=22, alignment=TA_LEFT),
        "plain": base,
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=12),
        "head": ParagraphStyle("head", base, fontSize=9, leading=12, alignment=TA_CENTER),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", base, fontSize=9, leading=13, textColor=colors.grey),
    }


def deadline_as_of(hazard: Hazard, when: dt.datetime | None) -> dt.date:
    """The deadline the notice gave: the one in force when it was issued, so a
    re-printed notice says what the original said even after an extension."""
    deadline = None
    for event in hazard.events.all():  # prefetched, oldest first
        if when is not None and event.created_at > when:
            break
        data = event.data or {}
        if event.kind == EventKind.CREATED and data.get("deadline"):
            deadline = data["deadline"]
        elif data.get("new_deadline"):
            deadline = data["new_deadline"]
    return dt.date.fromisoformat(deadline) if deadline else hazard.deadline


def issuing_authority(inspection: Inspection) -> str:
    by = inspection.finalized_by
    if by is not None and by.department_id:
        return by.department.name
    bureau = Department.objects.filter(is_bureau=True).first()
    return bureau.name if bureau else "县应急管理局"


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def render_notice(inspection: Inspection) -> bytes:
    s = _styles()
    enterprise = inspection.enterprise
    hazards = list(
        inspection.hazards.exclude(state=State.VOIDED).prefetch_related("events").order_by("code")
    )
    issued = timezone.localtime(inspection.finalized_at or timezone.now()).date()
    inspectors = list(inspection.inspectors.order_by("pk"))
    authority = issuing_authority(inspection)

    story: list = [
        _p(authority, s["authority"]),
        _p("责令限期整改指令书", s["title"]),
        _p(inspection.notice_number, s["number"]),
        _p(f"{enterprise.name}：", s["plain"]),
        _p(
            f"{chinese_date(inspection.inspected_on)}，我单位检查人员对你单位进行了"
            f"{inspection.get_kind_display()}，发现你单位存在下列事故隐患"
            f"（共 {len(hazards)} 项）。",
            s["body"],
        ),
        _p(LEGAL_BASIS, s["body"]),
        Spacer(1, 4 * mm),
    ]

    info = [
        ["被检查单位", enterprise.name, "统一社会信用代码", enterprise.credit_code],
        ["地址", enterprise.address or "—", "法定代表人", enterprise.legal_representative],
    ]
    info_table = Table(
        [[_p(c, s["cell"]) for c in row] for row in info],
        colWidths=[24 * mm, 61 * mm, 30 * mm, 55 * mm],
    )
    info_table.setStyle(_grid())
    story += [info_table, Spacer(1, 4 * mm)]

    header = ["序号", "隐患编号", "隐患内容及位置", "依据", "整改措施", "整改期限"]
    rows = [[_p(h, s["head"]) for h in header]]
    for n, hazard in enumerate(hazards, start=1):
        content = hazard.title
        if hazard.level == Level.MAJOR:
            content = f"【重大事故隐患】{content}"
        if hazard.location:
            content += f"\n位置：{hazard.location}"
        if hazard.description and hazard.description != hazard.title:
            content += f"\n{hazard.description}"
        rows.append(
            [
                _p(str(n), s["cell"]),
                _p(hazard.code, s["cell"]),
                _p(content, s["cell"]),
                _p(hazard.basis or "—", s["cell"]),
                _p(hazard.measures, s["cell"]),
                _p(chinese_date(deadline_as_of(hazard, inspection.finalized_at)), s["cell"]),
            ]
        )
    table = Table(
        rows,
        colWidths=[9 * mm, 27 * mm, 45 * mm, 30 * mm, 33 * mm, 26 * mm],
        repeatRows=1,
    )
    table.setStyle(_grid(header=True))
    story += [table, Spacer(1, 4 * mm), _p(CONSEQUENCE, s["body"]), _p(REMEDY, s["body"])]

    names = "、".join(u.name for u in inspectors) or "—"
    signatures = [
        [_p(f"检查人员：{names}", s["plain"]), _p("执法证号：", s["plain"])],
        [_p("检查人员（签名）：", s["plain"]), _p("被检查单位负责人（签收）：", s["plain"])],
        [_p("", s["plain"]), _p("年　　月　　日", s["plain"])],
    ]
    sig_table = Table(signatures, colWidths=[85 * mm, 85 * mm], rowHeights=[None, 12 * mm, None])
    sig_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    # The signature block stays on one page with the issuer's seal and date.
    story += [
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                sig_table,
                Spacer(1, 4 * mm),
                _p(f"{authority}（印章）", s["right"]),
                _p(chinese_date(issued), s["right"]),
                Spacer(1, 3 * mm),
                _p("本文书一式两份：一份交被检查单位，一份归档。", s["small"]),
            ]
        ),
    ]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"责令限期整改指令书 {inspection.notice_number}",
        author=authority,
        subject=enterprise.name,
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _grid(*, header: bool = False) -> TableStyle:
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    return TableStyle(commands)


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(A4[0] / 2, 12 * mm, f"第 {doc.page} 页")
    canvas.restoreState()
