"""Indicator values and what the one judgement says about them (form_model.judgement).

Each row is run through ``judge_value`` and through ``check()`` on a one-indicator form
(tests/test_judgement.py); the chat runs the same rows through the conversation. The contract:
the chat refuses a value exactly when the row lists an error, and accepts it with a note when
the row lists only warnings.
"""

from __future__ import annotations

from dataclasses import dataclass

#: ``suggestion`` of a row whose suggestion is not asserted.
UNCHECKED = "<unchecked>"

OUT, BEN, SAT, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
QTY, QUAL, TIME = "数量指标", "质量指标", "时效指标"
SOCIAL, ECON = "社会效益指标", "经济效益指标"
CLIENT = "服务对象满意度指标"
ECON_COST, SOCIAL_COST = "经济成本指标", "社会成本指标"


@dataclass(frozen=True)
class ValueCase:
    name: str
    value: str
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    level1: str = OUT
    level2: str = QTY
    attr: str = "annual_value"
    #: The indicator's other value ("" when unknown).
    other: str = ""
    #: The single best fix offered (``None``: none), or UNCHECKED.
    suggestion: str | None = UNCHECKED
    #: The value as stored, or "" to leave it unchecked.
    normalised: str = ""

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    @property
    def id(self) -> str:
        return f"{self.name}={self.value}" + (f"/{self.other}" if self.other else "")


CASES: list[ValueCase] = [
    # --- the disagreements of issue 8: rates beyond 100% --------------------------------
    ValueCase("帮扶政策覆盖面", "120%", ("V04",), ("V02",), BEN, SOCIAL, suggestion="＝100%"),
    ValueCase("项目资金占比", "130%", ("V04",), ("V02",), BEN, ECON, suggestion="＝100%"),
    ValueCase("就业人数提高率", "150%", (), ("V02",), BEN, SOCIAL, suggestion="≥150%"),
    ValueCase("就业人数提高率", "≥150%", (), (), BEN, SOCIAL, suggestion=None),
    ValueCase("资金到位率", "≥120%", ("V04",), (), OUT, QUAL, suggestion="＝100%"),
    ValueCase("受益群众覆盖率", "≤120%", ("V04",), (), BEN, SOCIAL, suggestion=None),
    ValueCase("生活污水处理率", "-5%", ("V04",), ("V02",), BEN, "生态效益指标"),
    ValueCase("“三公经费”变动率", "≤-5%", (), (), COST, ECON_COST, suggestion=None),
    # --- rates of something done at 100%: ＝100%, never ≤ ---------------------------------
    ValueCase("资金在规定时间内下达率", "100%", (), ("V02",), OUT, TIME, suggestion="＝100%"),
    ValueCase("资金在规定时间内下达率", "≥100%", (), (), OUT, TIME, suggestion=None),
    ValueCase("验收合格率", "100%", (), ("V02",), OUT, QUAL, suggestion="＝100%"),
    ValueCase("补贴资金到位率", "100%", (), ("V02",), OUT, QUAL, suggestion="＝100%"),
    ValueCase("培训计划完成率", "100%", (), ("V02",), OUT, QUAL, suggestion="＝100%"),
    ValueCase("在职人员控制率", "100%", (), ("V02", "V10"), COST, ECON_COST, suggestion="≤100%"),
    # --- comparators, units, numbers ----------------------------------------------------
    ValueCase("组织培训班次", "≥20次", suggestion=None, normalised="≥20次"),
    ValueCase("组织培训班次", "20次", (), ("V02",), suggestion="≥20次"),
    ValueCase("组织培训班次", "≥abc次", ("V01",), (), suggestion=None),
    ValueCase("组织培训班次", "≥≤20次", ("V15",), (), suggestion=None),
    ValueCase("组织培训班次", "=>=20次", ("V15",), (), suggestion="≥20次"),
    ValueCase("帮助转移就业人数", "≥1.2.3万人", ("V15",), (), BEN, SOCIAL),
    ValueCase("广州对口帮扶省内镇数量", "78个", (), ("V02",), suggestion="≥78个"),
    ValueCase("培训合格率", "≥95", (), ("V03",), OUT, QUAL, suggestion="≥95%"),
    ValueCase("培训合格率", "0.95", (), ("V02", "V03"), OUT, QUAL, suggestion="≥95%"),
    ValueCase("结余率", "5", (), ("V02", "V03", "V10"), COST, ECON_COST, suggestion="≤5%"),
    ValueCase("培训合格率", "≥95人", (), ("V03",), OUT, QUAL),
    ValueCase("协助国内各地市来穗开展招商推介和经贸考察交流活动次数", "≥99%", (), ("V03",), OUT, QTY),
    ValueCase("职业培训人次", "≥90%", (), ("V03",), OUT, QTY),
    ValueCase("职业培训人次增长率", "≥10%", (), (), OUT, QTY),
    ValueCase("培训合格率", "≧95％", (), (), OUT, QUAL, suggestion=None, normalised="≥95%"),
    ValueCase("结余率", "≦5％", (), (), COST, ECON_COST, suggestion=None, normalised="≤5%"),
    ValueCase("培训合格率", "＞90％", (), (), OUT, QUAL, normalised="＞90%"),
    ValueCase("项目验收数量", "＜3个", (), (), normalised="＜3个"),
    # --- negative targets ---------------------------------------------------------------
    ValueCase("培训人次", "≥-5人次", ("V16",), (), suggestion="≥5人次"),
    ValueCase("帮扶项目数量", "≥-5个", ("V16",), (), suggestion="≥5个"),
    ValueCase("冷库储存温度", "≤-5℃", (), (), OUT, QUAL),
    # --- satisfaction -------------------------------------------------------------------
    ValueCase("受训学员满意度", "≥90%", (), (), SAT, CLIENT, suggestion=None),
    ValueCase("受训学员满意度", "≥70%", (), ("V05",), SAT, CLIENT, suggestion="≥90%"),
    ValueCase("受训学员满意度", "≤70%", (), ("V05",), SAT, CLIENT, suggestion=None),
    ValueCase("受训学员满意度", "满意", (), ("V05",), SAT, CLIENT, suggestion="≥90%"),
    ValueCase("受训学员满意度", "≥120%", ("V04",), (), SAT, CLIENT, suggestion="＝100%"),
    # --- rubrics and words --------------------------------------------------------------
    ValueCase("协助招商推介和经贸考察交流活动次数", "10次以上优秀；8-10次良好；5-8次合格", (),
              ("V06", "V07"), suggestion="≥10次"),
    ValueCase("培训合格率", "≥80%优秀；60%-80%良好", (), ("V06", "V07"), OUT, QUAL, suggestion="≥80%"),
    ValueCase("广州市对口帮扶工作的社会影响力", "影响力较好", (), ("V08",), BEN, SOCIAL,
              suggestion=None),
    ValueCase("干部履职能力", "稳步提高", (), ("V08",), BEN, SOCIAL),
    ValueCase("帮扶项目数量", "若干", (), ("V08",), suggestion=None),
    ValueCase("帮扶项目数量", "很多", (), ("V08",)),
    ValueCase("带动就业人数", "大量", (), ("V08",), BEN, SOCIAL),
    ValueCase("结对帮扶村数量", "较多", (), ("V08",)),
    ValueCase("长效帮扶机制运行情况", "长效机制健全并持续运行", (), (), BEN, "可持续影响指标"),
    ValueCase("项目实施对群众生活的影响", "无明显负面影响", (), ("V08",), COST, SOCIAL_COST),
    # --- time limits --------------------------------------------------------------------
    ValueCase("东西部协作资金下达时限", "每年4月底前", (), (), OUT, TIME, suggestion=None),
    ValueCase("培训计划完成时间", "2025年12月底前", (), (), OUT, TIME),
    ValueCase("培训计划完成时间", "≥20次", (), ("V09",), OUT, TIME),
    ValueCase("年度报告报送时限", "按时", (), (), OUT, TIME),
    ValueCase("办理时限", "≤30天", (), (), OUT, TIME, suggestion=None),
    # --- costs --------------------------------------------------------------------------
    ValueCase("人均培训成本", "≤0.25万元", (), (), COST, ECON_COST, suggestion=None),
    ValueCase("人均培训成本", "0.25万元", (), ("V02", "V10"), COST, ECON_COST, suggestion="≤0.25万元"),
    ValueCase("人均培训成本", "≥0.25万元", (), ("V10",), COST, ECON_COST, suggestion=None),
    ValueCase("帮扶项目单位投资", "50万元", (), ("V02", "V10"), COST, ECON_COST, suggestion="≤50万元"),
    ValueCase("成本节约率", "≥10%", (), (), COST, ECON_COST, suggestion=None),
    ValueCase("人均培训成本", "≥0.25万人", (), ("V03", "V10"), COST, ECON_COST),
    # --- benefits that are outputs ------------------------------------------------------
    ValueCase("举办宣讲活动", "≥5场", (), ("V13",), BEN, SOCIAL),
    ValueCase("举办宣讲活动", "≥5场", (), (), BEN, SOCIAL, attr="period_value"),
    # --- the two values of one indicator ------------------------------------------------
    ValueCase("广州对口帮扶省内镇数量", "≥1.4万人", (), ("V17",), other="≥78个"),
    ValueCase("广州对口帮扶省内镇数量", "≥78个", (), ("V17",), attr="period_value", other="≥1.4万人"),
    ValueCase("组织培训班次", "≥10次", (), ("V11",), attr="period_value", other="≥20次",
              suggestion="≥20次"),
    ValueCase("组织培训班次", "≥20次", (), ("V11",), other="≥10次", suggestion=None),
    ValueCase("组织培训班次", "≥30次", (), (), attr="period_value", other="≥10次"),
    ValueCase("帮助转移就业人数", "≥1.4万人", (), (), BEN, SOCIAL, other="≥14000人"),
    # --- nothing to say -----------------------------------------------------------------
    ValueCase("组织培训班次", "", (), (), suggestion=None, normalised=""),
]
