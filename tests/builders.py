"""Test data for the importers, built in memory: the seed form as a literal, workbook layouts
of it (official, offset, unmerged, text amounts, aliases, an instructions sheet first) and
hostile files for the gate. Nothing binary is committed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from form_model.framework import framework
from form_model.models import Budget, Form, Indicator, Task, TaskItem, Template

# --- the seed form, as a person reads it -------------------------------------------------

GOAL = (
    '1. 全面对标对表中央部署要求，推动东西部协作工作走在全国全省前列；2. 坚持长期支援精'
    '准支援，推动对口支援工作开创新局面；3. 持续深化拓展合作广度深度，推动对口合作工作迈上'
    '新台阶；4. 完善新型帮扶协作机制，推动省内帮扶协作走在全国前列；5. 深化“双向赋能”'
    '行动，夯实广州在强化国内大循环中的战略节点功能；6. 深化“广博会+”战略布局，全力将广'
    '博会建设成为服务国际国内双循环的重要平台。'
)
T1_CONTENT = (
    '协调落实广州市与国内各省、市政府间的全方位交流合作，指导驻穗机构做好招商引资。以产业园区'
    '建设为重点，助力广州更深融入和服务国内大循环发展格局。全力将广博会建设成为服务国际国内双'
    '循环的重要平台。'
)
T1_GOAL = (
    '紧紧围绕国家发展改革委《革命老区重点城市对口合作工作方案》重点任务，发挥与龙岩、梅州各项'
    '结对机制，持续做好传承弘扬红色文化、衔接推进乡村振兴和新型城镇化、完善基础设施和基本公共'
    '服务、促进生态环境保护修复和绿色低碳发展、共同建设产业合作平台载体等五大领域合作。加强与'
    '齐齐哈尔市对口合作力度，谋划推动建设广州与齐齐哈尔对口合作产业园。强化“区域城乡协调发展'
    '+广博会”联动效应，支持帮扶协作地区及国内合作城市企业产品融入大湾区市场。构建“媒体+广'
    '博会”立体传播矩阵，创新内容表达与宣传形式，塑造更受年轻群体青睐的现'
)
T2_CONTENT = (
    '推动省内乡村振兴驻镇帮镇扶村，帮扶梅州、湛江、清远市的重点镇，为帮镇扶村提供资金保障。安'
    '排财政资金支持梅州、湛江、清远市高质量共建产业转移合作园，开展产业合作园等帮扶项目建设。'
)
T2_GOAL = (
    '聚焦延链补链强链、资源互补、市场互换，建立互利共赢的产业合作关系，持续建强市、区两级产业'
    '合作共建园区，推进产业有序转移。助力广梅产业园、广湛产业园、广清经济特别合作区发展成为梅'
    '州、湛江、清远产业经济发展的重要支撑平台，助力将一批区县结对共建产业园区打造成为县域经济'
    '高质量发展的核心引擎。持续推动帮扶协作地区乡村产业全链条升级，助力农民收入可持续增长，助'
    '力加强农村生态环境治理、推动绿色发展。'
)
T3A_CONTENT = (
    '对口支援贵州省东西部发展，按照粤黔两省东西部协作协议要求，做好安顺、毕节、黔南的乡村振兴'
    '工作。'
)
T3A_GOAL = (
    '持续抓好特色产业提升、 产业集群打造、 消费帮扶助农增收、 劳务协作提质“四项行动”和协'
    '作帮扶促消费、协作帮扶促就业和平台企业助力乡村文旅融合发展“三个专项”等重点工作。探索推'
    '进科技、金融等领域的协作，切实增强高质量发展内生动力。'
)
T3B_CONTENT = '对口支援新疆疏附县、西藏波密县和重庆三峡库区巫山县'
T3B_GOAL = (
    '继续深入做实民生支援、产业支援、智力支援、文化支援，推动对口支援由“单向帮扶”向“双向赋'
    '能”模式转化，加快形成受援地特色新质生产力。以“生态优先、民生为本、产业赋能、优势互补”'
    '为原则，助推巫山县经济社会高质量发展。'
)


def _i(level1: str, level2: str, name: str, period: str, annual: str | None = None) -> Indicator:
    return Indicator(level1=level1, level2=level2, name=name, period_value=period,
                     annual_value=period if annual is None else annual)


RUBRIC = "10次以上优秀；8-10次良好；5-8次合格"

#: The seed form (广州市协作办公室), field by field.
SEED_FORM = Form(
    department="广州市协作办公室",
    year=None,
    template=Template.GUANGZHOU,
    budget=Budget(
        basic_expenditure=Decimal("4381.54"),
        project_expenditure=Decimal("270769.27"),
        fiscal_appropriation=Decimal("275150.81"),
        other_funds=Decimal("2536.49"),
        special_fiscal_funds=Decimal("0.00"),
        other_development_expenditure=Decimal("0.00"),
        city_level_funds=Decimal("275150.81"),
        transfer_payment_funds=Decimal("0.00"),
    ),
    overall_goal=GOAL,
    tasks=[
        Task(
            name="推动国内区域合作、深化“双向赋能”行动及“广博会+”战略布局",
            items=[TaskItem(content=T1_CONTENT, amount=Decimal("10030.00"), goal=T1_GOAL)],
        ),
        Task(
            name="开展省内帮扶工作",
            items=[TaskItem(content=T2_CONTENT, amount=Decimal("234657.50"), goal=T2_GOAL)],
        ),
        Task(
            name="加强省外支援协作",
            items=[
                TaskItem(content=T3A_CONTENT, amount=Decimal("21172.00"), goal=T3A_GOAL),
                TaskItem(content=T3B_CONTENT, amount=Decimal("400.00"), goal=T3B_GOAL),
            ],
        ),
    ],
    other_tasks="",
    indicators=[
        _i("产出指标", "数量指标", "协助国内各地市来穗开展招商推介和经贸考察交流活动次数", RUBRIC),
        _i("产出指标", "数量指标", "广州对口帮扶省内镇数量", "78个"),
        _i("产出指标", "时效指标", "东西部协作资金下达时限", "每年4月底前"),
        _i("效益指标", "经济效益指标", "国内省市企业达成经贸签约数额", "2亿元"),
        _i("效益指标", "经济效益指标", "广州企业达成经贸签约数额", "5亿元"),
        _i("效益指标", "社会效益指标", "驻镇帮镇扶村帮助已脱贫人口实现就业数", "≥8000人"),
        _i("效益指标", "社会效益指标", "帮助转移就业人数", "≥1.4万人"),
        _i("效益指标", "社会效益指标", "驻镇帮镇扶村项目带动脱贫群众增收人数", "≥3万人"),
        _i("效益指标", "社会效益指标", "驻镇帮镇扶村项目带动当地农户人数", "≥10万人"),
        _i("效益指标", "社会效益指标", "广州市对口帮扶工作的社会影响力",
           "广州市对口帮扶工作的社会影响力较好", "影响力较好"),
        _i("满意度指标", "服务对象满意度指标", "产业园服务企业满意度", "≥90%"),
    ],
)


def seed_form() -> Form:
    """A fresh copy of :data:`SEED_FORM` (tests may change it)."""
    return SEED_FORM.model_copy(deep=True)


# --- the form laid out in a workbook ------------------------------------------------------

WIDTH = 6  # label column + five table columns


@dataclass
class Layout:
    """How to lay a form out on a sheet. The defaults give the official-looking layout at A1."""

    top: int = 1
    left: int = 1
    title: str | None = "部门整体预算绩效目标申报表"
    blank_rows: int = 0  # blank rows between the title and the table
    gaps: bool = False  # a blank row between sections
    merged: bool = True  # merged labels; False: labels and task names repeated on every row
    amounts_as_text: bool = False  # 「4,381.54万元」, 「43,815,400元」, full-width digits …
    numbered: bool = False  # a 序号 column just left of the table
    level_names: dict[str, str] = field(default_factory=dict)  # standard name → as written


@dataclass
class _Rows:
    layout: Layout
    rows: list[list[object]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    numbered: list[int] = field(default_factory=list)

    def add(self, *cells: object) -> int:
        self.rows.append([*cells] + [None] * (WIDTH - len(cells)))
        return len(self.rows) - 1

    def gap(self) -> None:
        if self.layout.gaps:
            self.add()

    def span(self, r1: int, c1: int, r2: int, c2: int) -> None:
        """Merge a range, or (unmerged layout) repeat a vertical label on every row."""
        if (r1, c1) == (r2, c2):
            return
        if self.layout.merged:
            self.merges.append((r1, c1, r2, c2))
        elif c1 == c2:
            for r in range(r1 + 1, r2 + 1):
                self.rows[r][c1] = self.rows[r1][c1]


def _amount_cell(value: Decimal | None, layout: Layout, style: int) -> object:
    if value is None:
        return None
    if not layout.amounts_as_text:
        return float(value)
    styles = (
        lambda d: f"{d:,.2f}万元",
        lambda d: f"{d * 10000:,.0f}元",
        lambda d: f"{d:,.2f}",
        lambda d: f"{d:.2f}".translate(str.maketrans("0123456789.", "０１２３４５６７８９．")),
    )
    return styles[style % len(styles)](value)


def form_rows(form: Form, layout: Layout) -> _Rows:
    """The form as rows of cell values (relative to the table's top-left) and merged ranges."""
    out = _Rows(layout)
    name = layout.level_names
    if layout.title:
        r = out.add(layout.title)
        out.span(r, 0, r, WIDTH - 1)
        for _ in range(layout.blank_rows):
            out.add()
    r = out.add("部门名称", form.department)
    out.span(r, 1, r, WIDTH - 1)
    out.gap()

    b = form.budget
    amounts = [_amount_cell(v, layout, i) for i, v in enumerate(b.amounts().values())]
    basic, project, fiscal, other, special, other_dev, city, transfer = amounts
    top = out.add("预算整体情况", "部门预算支出", "预算金额（万元）", "收入来源", "预算金额（万元）")
    out.add(None, "基本支出", basic, "财政拨款", fiscal)
    out.add(None, "项目支出", project, "其他资金", other)
    out.add(None, "事业发展性支出", "预算金额（万元）", "按预算级次划分", "预算金额（万元）")
    out.add(None, "财政专项资金", special, "市本级使用资金", city)
    last = out.add(None, "其他事业发展性支出", other_dev, "拟用于对下转移支付资金", transfer)
    out.span(top, 0, last, 0)
    out.gap()

    r = out.add("总体绩效目标", form.overall_goal)
    out.span(r, 1, r, WIDTH - 1)
    out.gap()

    top = out.add("年度重点工作任务", "名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标（概述）")
    out.span(top, 4, top, 5)
    for t, task in enumerate(form.tasks):
        first = len(out.rows)
        for item in task.items:
            r = out.add(None, task.name, item.content, _amount_cell(item.amount, layout, t), item.goal)
            out.span(r, 4, r, 5)
            out.numbered.append(r)
        out.span(first, 1, len(out.rows) - 1, 1)
    out.span(top, 0, len(out.rows) - 1, 0)
    out.gap()

    r = out.add("其他需完成的任务（可选填）", form.other_tasks or None)
    out.span(r, 1, r, WIDTH - 1)
    out.gap()

    top = out.add("绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值")
    printed = framework().printed_pairs()
    strays = [i for i in form.indicators if (i.level1, i.level2) not in printed]
    assert not strays, f"the builder lays out printed 一级/二级 pairs only: {strays}"
    for level1 in dict.fromkeys(p[0] for p in printed):
        first1 = len(out.rows)
        for _, level2 in (p for p in printed if p[0] == level1):
            first2 = len(out.rows)
            rows = form.indicators_under(level1, level2) or [Indicator()]
            for ind in rows:
                r = out.add(None, None, None, ind.name or None, ind.period_value or None,
                            ind.annual_value or None)
                out.numbered.append(r)
            out.rows[first2][2] = name.get(level2, level2)
            out.span(first2, 2, len(out.rows) - 1, 2)
        out.rows[first1][1] = name.get(level1, level1)
        out.span(first1, 1, len(out.rows) - 1, 1)
    out.span(top, 0, len(out.rows) - 1, 0)
    return out


def write_form(ws: Worksheet, form: Form, layout: Layout) -> None:
    """Lay ``form`` out on ``ws``."""
    laid = form_rows(form, layout)
    for i, row in enumerate(laid.rows):
        for j, value in enumerate(row):
            if value is None:
                continue
            cell = ws.cell(row=layout.top + i, column=layout.left + j, value=value)
            if isinstance(value, float):
                cell.number_format = "#,##0.00"
    for r1, c1, r2, c2 in laid.merges:
        ws.merge_cells(start_row=layout.top + r1, start_column=layout.left + c1,
                       end_row=layout.top + r2, end_column=layout.left + c2)
    if layout.numbered:
        assert layout.left > 1, "a 序号 column needs a free column left of the table"
        for n, r in enumerate(laid.numbered, start=1):
            ws.cell(row=layout.top + r, column=layout.left - 1, value=n)


def form_workbook(form: Form, layout: Layout | None = None, *, instructions_first: bool = False) -> bytes:
    """An .xlsx holding ``form`` (optionally after an instructions sheet)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if instructions_first:
        ws.title = "填报说明"
        for row in (
            ["填报说明"],
            ["部门名称", "填写部门全称，与预算批复一致。"],
            ["绩效指标", "按一级、二级、三级指标填写，三级指标应可衡量。"],
            ["其他", "金额单位为万元，保留两位小数。"],
        ):
            ws.append(row)
        ws = wb.create_sheet("申报表")
    else:
        ws.title = "申报表"
    write_form(ws, form, layout or Layout())
    return save(wb)


def save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_workbook(rows: list[list[object]]) -> bytes:
    """A one-sheet workbook with these rows from A1."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    return save(wb)


# --- hostile and broken files ---------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def small_workbook() -> bytes:
    """A harmless workbook with shared strings, the base of the hostile variants."""
    return sheet_workbook([["部门名称", "广州市示例局"], ["绩效指标", "一级指标", "二级指标", "三级指标"]])


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def zip_of(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return buffer.getvalue()


def _add_override(parts: dict[str, bytes], part: str, content_type: str) -> None:
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", override + b"</Types>")


def _edit_sheet(parts: dict[str, bytes], before_end_of_data: bytes = b"", after_data: bytes = b"") -> None:
    sheet = parts["xl/worksheets/sheet1.xml"]
    sheet = sheet.replace(b"</sheetData>", before_end_of_data + b"</sheetData>" + after_data)
    parts["xl/worksheets/sheet1.xml"] = sheet


def macro_workbook(vba_part: bool = True, macro_content_type: bool = True) -> bytes:
    """An .xlsm: a vbaProject.bin part and/or the macro-enabled workbook content type."""
    parts = parts_of(small_workbook())
    if vba_part:
        parts["xl/vbaProject.bin"] = OLE_MAGIC + b"\x00" * 504
    if macro_content_type:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
        )
    return zip_of(parts)


def vba_elsewhere_workbook() -> bytes:
    """A VBA project hidden under another name, announced only by its content type."""
    parts = parts_of(small_workbook())
    parts["xl/media/image9.bin"] = OLE_MAGIC + b"\x00" * 504
    _add_override(parts, "xl/media/image9.bin", "application/vnd.ms-office.vbaProject")
    return zip_of(parts)


def external_link_workbook() -> bytes:
    parts = parts_of(small_workbook())
    parts["xl/externalLinks/externalLink1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
        b"</externalLink>"
    )
    _add_override(parts, "xl/externalLinks/externalLink1.xml",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml")
    return zip_of(parts)


def connections_workbook() -> bytes:
    parts = parts_of(small_workbook())
    parts["xl/connections.xml"] = (
        b'<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<connection id="1" name="q" type="5"/></connections>'
    )
    return zip_of(parts)


def embedded_object_workbook(part: str = "xl/embeddings/oleObject1.bin") -> bytes:
    parts = parts_of(small_workbook())
    parts[part] = OLE_MAGIC + b"\x00" * 504
    return zip_of(parts)


def many_parts_workbook(extra: int = 300) -> bytes:
    parts = parts_of(small_workbook())
    parts.update({f"xl/media/image{i}.png": b"\x89PNG" for i in range(extra)})
    return zip_of(parts)


def ole_file(*stream_names: str) -> bytes:
    """The start of an OLE compound file whose directory names these streams (UTF-16)."""
    directory = b"".join(n.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for n in stream_names)
    return OLE_MAGIC + b"\x00" * 504 + directory + b"\x00" * 1024


def encrypted_workbook() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE file with an encrypted package."""
    return ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")


def legacy_xls() -> bytes:
    return ole_file("Root Entry", "Workbook", "\x05SummaryInformation")


def zip_bomb_workbook(declared_mib: int = 11) -> bytes:
    """A worksheet padded with whitespace: tens of KB on disk, ``declared_mib`` MiB unpacked."""
    parts = parts_of(small_workbook())
    _edit_sheet(parts, before_end_of_data=b" " * (declared_mib << 20))
    return zip_of(parts)


def many_cells_workbook(rows: int = 420, cols: int = 50) -> bytes:
    """A sheet with ``rows`` × ``cols`` more numeric cells from row 3 (below the two rows of
    :func:`small_workbook`)."""
    def col(n: int) -> str:
        return "".join(chr(64 + d) for d in ([(n - 1) // 26] if n > 26 else []) + [(n - 1) % 26 + 1])

    data = b"".join(
        f'<row r="{r}">'.encode()
        + b"".join(f'<c r="{col(c)}{r}"><v>1</v></c>'.encode() for c in range(1, cols + 1))
        + b"</row>"
        for r in range(3, 3 + rows)
    )
    parts = parts_of(small_workbook())
    _edit_sheet(parts, before_end_of_data=data)
    return zip_of(parts)


def billion_laughs_workbook(external: bool = False) -> bytes:
    """A sharedStrings.xml with a DOCTYPE (nested entities, or an external XXE entity) that
    cell A3 uses. openpyxl itself writes inline strings, so the part is added and registered."""
    if external:
        dtd = '<!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        entity = "&e;"
    else:
        levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        dtd = f'<!DOCTYPE sst [<!ENTITY l0 "ha">{levels}]>'
        entity = "&l9;"
    parts = parts_of(small_workbook())
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>' + dtd
        + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        + f"<si><t>{entity}</t></si></sst>"
    ).encode()
    _add_override(parts, "xl/sharedStrings.xml",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
    rel = (
        b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", rel)
    _edit_sheet(parts, before_end_of_data=b'<row r="3"><c r="A3" t="s"><v>0</v></c></row>')
    return zip_of(parts)


def far_cell_workbook(ref: str = "XFD1048576") -> bytes:
    row = re.sub(r"^[A-Z]+", "", ref)
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    parts = parts_of(small_workbook())
    _edit_sheet(parts, before_end_of_data=cell)
    return zip_of(parts)


def merge_bomb_workbook(ref: str = "A1:XFD1048576") -> bytes:
    parts = parts_of(small_workbook())
    _edit_sheet(parts, after_data=f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode())
    return zip_of(parts)


def hyperlink_bomb_workbook(ref: str = "A1:AX100000") -> bytes:
    parts = parts_of(small_workbook())
    _edit_sheet(parts, after_data=f'<hyperlinks><hyperlink ref="{ref}" display="x"/></hyperlinks>'.encode())
    return zip_of(parts)


def encrypted_entry_workbook() -> bytes:
    """A zip whose entries claim traditional PKWARE encryption (general-purpose bit 0)."""
    data = bytearray(small_workbook())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            data[at + flag_offset] |= 0x01
            start = at + 4
    return bytes(data)


def docx_like_zip() -> bytes:
    """A valid zip that is not a workbook (a word-processing package)."""
    return zip_of({
        "[Content_Types].xml": (
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "word/document.xml": b"<document/>",
    })


# --- the form as pasted text --------------------------------------------------------------


def _tsv_cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if any(ch in text for ch in '\n\t"'):
        return '"' + text.replace('"', '""') + '"'  # how spreadsheets copy such a cell
    return text


def form_tsv(form: Form, layout: Layout | None = None, *, lead: int = 0) -> str:
    """``form`` as a spreadsheet copies it: tabs between cells, merged cells empty, ``lead``
    empty columns in front."""
    laid = form_rows(form, layout or Layout())
    return "\n".join("\t" * lead + "\t".join(_tsv_cell(v) for v in row) for row in laid.rows) + "\n"


def elements_bomb_workbook(count: int = 300_001) -> bytes:
    """styles.xml stuffed with empty elements, costly to build in memory. Stored without
    compression so that the compression-ratio check does not catch it first."""
    parts = parts_of(small_workbook())
    stuffing = b"<extLst>" + b"<ext/>" * count + b"</extLst></styleSheet>"
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(b"</styleSheet>", stuffing)
    return zip_of(parts, zipfile.ZIP_STORED)


def far_comment_workbook(ref: str = "XFD1048576") -> bytes:
    """A comment part anchored at ``ref`` (openpyxl creates that cell to hold it)."""
    parts = parts_of(small_workbook())
    parts["xl/comments1.xml"] = (
        '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<authors><author>a</author></authors><commentList>"
        f'<comment ref="{ref}" authorId="0"><text><t>x</t></text></comment>'
        "</commentList></comments>"
    ).encode()
    return zip_of(parts)
