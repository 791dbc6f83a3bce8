"""Shared helpers of the benchmark scripts: timing, percentiles, a small table printer, the
machine description, the seed form's location, deterministic generated forms of any size and
the databases the benchmarks run on (a temporary SQLite file, a PostgreSQL schema of their own).

Benchmarks are run by hand (``make bench`` or one script at a time); nothing here is a test.
"""

from __future__ import annotations

import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from form_model.framework import framework  # noqa: E402
from form_model.library import by_level2  # noqa: E402
from form_model.matching import Column, Decision, match  # noqa: E402
from form_model.models import Budget, Form, Indicator, Task, TaskItem  # noqa: E402
from form_model.values import format_value, parse_value  # noqa: E402

# --------------------------------------------------------------------------------------------
# Timing


@dataclass(frozen=True)
class Timing:
    """Wall-clock durations of repeated runs, in milliseconds."""

    samples: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p90(self) -> float:
        return percentile(self.samples, 90)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    @property
    def total(self) -> float:
        return sum(self.samples)


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile (the same definition as bench/bench_matching.py)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(func: Callable[[], object], runs: int = 30, warmup: int = 3) -> Timing:
    """Run ``func`` ``warmup`` times untimed, then ``runs`` times timed (ms each).

    The garbage collector runs between runs, never inside a timed one, so that one run does
    not pay for the garbage of the previous ones.
    """
    for _ in range(warmup):
        func()
    samples: list[float] = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(tuple(samples))


def measure_interleaved(
    funcs: dict[str, Callable[[], object]], runs: int = 30, warmup: int = 3
) -> dict[str, Timing]:
    """Like :func:`measure` for several functions, run round-robin (one run of each per
    round), so that a change in machine load during the benchmark hits all of them alike and
    their ratios stay meaningful."""
    for _ in range(warmup):
        for func in funcs.values():
            func()
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(runs):
        for name, func in funcs.items():
            gc.collect()
            start = time.perf_counter()
            func()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: Timing(tuple(values)) for name, values in samples.items()}


def timed(func: Callable[[], object]) -> float:
    """One call of ``func``, in milliseconds."""
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def ms(value: float) -> str:
    """Milliseconds with a precision that suits their size."""
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(ours: float, baseline: float) -> str:
    """``ours ÷ baseline`` as ``1.73×``."""
    return f"{ours / baseline:.2f}×" if baseline > 0 else "n/a"


def mib(n_bytes: float) -> str:
    return f"{n_bytes / (1 << 20):.1f} MiB"


# --------------------------------------------------------------------------------------------
# Output


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str = "") -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        out = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(cell))
            out.append(cell + pad if i == 0 else pad + cell)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    lines = ([title] if title else []) + [line(cells[0]), rule] + [line(r) for r in cells[1:]]
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for raw in f:
                key, _, value = raw.partition(":")
                if key.strip() in ("model name", "Hardware", "Processor") and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def machine() -> str:
    """One line describing where the numbers come from."""
    return (
        f"{cpu_model()}, {usable_cores()} cores usable ({os.cpu_count()} online), "
        f"{platform.system()} {platform.release()}, "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


def versions(*packages: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in packages:
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} (not installed)")
    return ", ".join(out)


def provenance() -> str:
    """When and on which commit of the repository a benchmark ran."""
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", ""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{when}, commit {commit}{' (with uncommitted changes)' if dirty else ''}"


def header(title: str) -> None:
    print(title)
    print("machine:", machine())
    print("run:", provenance())


# --------------------------------------------------------------------------------------------
# The seed form

#: Where tests/conftest.py looks for the seed (``../shared/seed`` next to the repository).
DEFAULT_SEED_DIR = ROOT.parent / "shared" / "seed"


def seed_file() -> Path | None:
    """The seed form's text file, or None (with the reason printed) when it is missing."""
    directory = Path(os.environ.get("DECLBOT_SEED_DIR") or DEFAULT_SEED_DIR)
    if not directory.is_dir():
        print(f"SKIPPED seed form: directory {directory} not found; set DECLBOT_SEED_DIR")
        return None
    files = sorted(directory.glob("*.txt"))
    if len(files) != 1:
        print(f"SKIPPED seed form: expected one .txt in {directory}, found {len(files)}")
        return None
    return files[0]


# --------------------------------------------------------------------------------------------
# Generated forms
#
# Deterministic forms of any size that look like real ones: several-sentence task texts,
# budget amounts that add up, and indicators with values in the units a reviewer expects.
# Every indicator name is one a person could type in the guided walk and keep as typed (the
# matcher finds it certain as itself, or does not know it), and every value is already in the
# form the walk normalises it to, so a walk of tests/walk_script.py rebuilds the form exactly.

_AREAS = (
    "梅州市", "湛江市", "清远市", "毕节市", "安顺市", "黔南州", "疏附县", "波密县", "巫山县",
    "齐齐哈尔市", "龙岩市", "从化区", "增城区", "花都区", "番禺区", "南沙区", "黄埔区", "白云区",
    "荔湾区", "海珠区", "天河区", "越秀区", "五华县", "大埔县",
)
_WORKS = (
    "乡村振兴帮扶", "东西部协作", "对口支援", "产业园区共建", "消费帮扶", "劳务协作", "干部人才交流",
    "招商引资服务", "科技协作", "教育帮扶", "医疗卫生帮扶", "文旅融合发展", "生态保护修复",
    "农产品产销对接", "就业技能培训", "基础设施建设", "公共服务提升", "红色文化传承",
)
_VERBS = ("组织实施", "统筹推进", "协调落实", "持续深化", "全面开展", "加快推进")
_MEASURES = (
    "建立项目库并实行清单化管理", "按季度开展跟踪调度", "完善资金使用和项目验收制度",
    "组织专家开展实地指导", "建立月报和问题台账制度", "引导社会力量广泛参与",
    "加强与受援地相关部门的沟通对接", "落实项目公示和群众监督",
)
_EFFECTS = (
    "带动当地群众稳定增收", "提升受援地公共服务水平", "推动产业有序转移和集聚发展",
    "增强受援地内生发展动力", "巩固拓展脱贫攻坚成果", "促进区域协调发展",
    "改善农村人居环境", "扩大优质农产品销售渠道",
)

#: (name ending, kind) per 一级/二级 pair; the kind decides the value (see _value).
_BASES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("产出指标", "数量指标"): (
        ("帮扶项目数量", "个"), ("帮扶车间建成数量", "个"), ("劳务输出人数", "人"),
        ("招商推介活动次数", "次"), ("签约落地企业数量", "家"), ("结对帮扶村数量", "个"),
        ("援建学校数量", "所"), ("产销对接会场次", "场"),
    ),
    ("产出指标", "质量指标"): (
        ("资金拨付准确率", "rate"), ("项目档案完整率", "rate"), ("项目资料归档完整率", "rate"),
        ("援建工程竣工验收结论", "pass"),
    ),
    ("产出指标", "时效指标"): (
        ("帮扶资金下达时间", "date"), ("项目开工时间", "date"), ("项目完工时间", "date"),
        ("年度报告报送时限", "date"),
    ),
    ("效益指标", "经济效益指标"): (
        ("带动产业产值", "亿元"), ("企业签约金额", "亿元"), ("农产品销售额", "万元"),
    ),
    ("效益指标", "社会效益指标"): (
        ("带动就业人数", "人"), ("帮助脱贫人口就业人数", "人"), ("受益群众覆盖率", "rate"),
    ),
    ("效益指标", "生态效益指标"): (
        ("生态修复面积", "亩"), ("生活污水处理率", "rate"), ("新增绿化面积", "亩"),
    ),
    ("效益指标", "可持续影响指标"): (
        ("长效帮扶机制运行情况", "text"), ("帮扶项目持续运营率", "rate"),
    ),
    ("满意度指标", "服务对象满意度指标"): (
        ("帮扶工作群众认可度", "satisfaction"), ("受益农户好评率", "satisfaction"),
        ("参与企业评价满意率", "satisfaction"), ("群众对帮扶工作的满意程度", "satisfaction"),
    ),
    ("成本指标", "经济成本指标"): (
        ("单位面积建设成本", "cost"), ("单个车间建设成本", "cost"), ("项目支出预算控制率", "cost_rate"),
        ("帮扶项目单位投资", "cost"),
    ),
    ("成本指标", "社会成本指标"): (
        ("项目实施对群众生活的影响", "no_harm"), ("项目实施引发的信访投诉", "complaints"),
    ),
    ("成本指标", "生态环境成本指标"): (
        ("项目建设对生态环境的影响", "no_harm"), ("项目建设占用耕地面积", "farmland"),
    ),
}
#: How 400 indicators spread over the pairs (scaled to any other count).
_WEIGHTS: dict[tuple[str, str], int] = {
    ("产出指标", "数量指标"): 80, ("产出指标", "质量指标"): 60, ("产出指标", "时效指标"): 40,
    ("效益指标", "经济效益指标"): 30, ("效益指标", "社会效益指标"): 50,
    ("效益指标", "生态效益指标"): 25, ("效益指标", "可持续影响指标"): 20,
    ("满意度指标", "服务对象满意度指标"): 35, ("成本指标", "经济成本指标"): 30,
    ("成本指标", "社会成本指标"): 15, ("成本指标", "生态环境成本指标"): 15,
}


def _value(kind: str, rng: random.Random) -> tuple[str, str]:
    """(实施周期指标值, 年度指标值) for a kind of indicator."""
    if kind == "rate":
        v = rng.choice(("≥90%", "≥95%", "≥98%", "100%"))
        return v, v
    if kind == "satisfaction":
        v = rng.choice(("≥85%", "≥90%", "≥95%"))
        return v, v
    if kind == "cost_rate":
        return "≤100%", "≤100%"
    if kind == "cost":
        v = f"≤{rng.choice(('0.3', '0.5', '2', '15', '50'))}万元"
        return v, v
    if kind == "date":
        v = rng.choice(("2025年6月底前", "2025年9月底前", "2025年12月底前", "每年4月底前"))
        return v, v
    if kind == "text":
        return "长效机制健全并持续运行", "长效机制健全并持续运行"
    if kind == "pass":
        return "验收合格", "验收合格"
    if kind == "no_harm":
        return "无明显负面影响", "无明显负面影响"
    if kind == "complaints":
        return "0件", "0件"
    if kind == "farmland":
        return "0亩", "0亩"
    if kind in ("亿元", "万元"):
        n = rng.choice((1, 2, 3, 5, 8)) if kind == "亿元" else rng.choice((200, 500, 800, 1200))
        return f"≥{n * 3}{kind}", f"≥{n}{kind}"
    n = rng.choice((5, 8, 10, 12, 20, 30, 50, 100, 200, 500))
    if rng.random() < 0.3:  # a cumulative count: the period is three years
        return f"≥{n * 3}{kind}", f"≥{n}{kind}"
    return f"≥{n}{kind}", f"≥{n}{kind}"


def _normalised(value: str) -> str:
    return format_value(parse_value(value))


def _kept_as_typed(name: str, level1: str, level2: str) -> bool:
    result = match(name, Column.LEVEL3, level1=level1, level2=level2)
    if result.decision == Decision.CERTAIN:
        return result.name == name
    return result.decision == Decision.UNKNOWN


def _indicators(count: int, pairs: list[tuple[str, str]], rng: random.Random) -> list[Indicator]:
    weights = [_WEIGHTS[p] for p in pairs]
    shares = [max(1, count * w // sum(weights)) for w in weights]
    shares[0] += count - sum(shares)
    out: list[Indicator] = []
    for (level1, level2), share in zip(pairs, shares, strict=True):
        # A few real names from the library (their unit gives the kind of value), then
        # area + name-ending combinations in a shuffled order.
        candidates: list[tuple[str, str]] = []
        for x in by_level2(level1, level2)[:3]:
            kind = {"%": "rate", "日期": "date", "定性": "text"}.get(x.unit, x.unit)
            if kind in ("rate", "date", "text", "次", "个", "人") and len(candidates) < share // 4:
                candidates.append((x.name, kind))
        combos = [(area + base, kind) for area in _AREAS for base, kind in _BASES[(level1, level2)]]
        rng.shuffle(combos)
        candidates += combos
        taken = 0
        for name, kind in candidates:
            if taken == share:
                break
            if not _kept_as_typed(name, level1, level2):
                continue  # the walk would offer candidates instead of keeping the name
            period, annual = _value(kind, rng)
            out.append(Indicator(level1=level1, level2=level2, name=name,
                                 period_value=_normalised(period),
                                 annual_value=_normalised(annual)))
            taken += 1
        if taken < share:
            raise ValueError(f"not enough distinct names for {level1}/{level2}: {share} wanted")
    return out


def _sentence(rng: random.Random, place: str, work: str) -> str:
    return (f"{rng.choice(_VERBS)}{place}{work}工作，{rng.choice(_MEASURES)}，"
            f"{rng.choice(_MEASURES)}，{rng.choice(_EFFECTS)}。")


def _goal_text(rng: random.Random, place: str, work: str) -> str:
    n = rng.choice((5, 8, 10, 12, 20, 30))
    text = (f"完成{place}{work}项目{n}个，项目验收合格率不低于{rng.choice((90, 95, 98))}%，"
            f"{rng.choice(_EFFECTS)}。")
    if rng.random() < 0.5:
        text += f"同时{rng.choice(_MEASURES)}，{rng.choice(_EFFECTS)}，群众满意度不低于90%。"
    return text


def cents(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount in 万元 with two decimals, between low and high."""
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def generated_form(tasks: int, indicators: int, *, optional_pairs: bool = True,
                   seed: int = 20250101) -> Form:
    """A complete, realistic form with ``tasks`` key tasks of 2–3 sub-rows each and
    ``indicators`` indicators spread over every 一级/二级 pair (the optional ones too unless
    ``optional_pairs`` is False: the guided walk only visits the pre-printed pairs).
"""
    rng = random.Random(seed)
    fw = framework()
    pairs = [(a.name, c.name) for a in fw.level1 for c in a.level2
             if optional_pairs or not c.optional]
    task_list: list[Task] = []
    works = [(area, work) for area in _AREAS for work in _WORKS]
    rng.shuffle(works)
    for t in range(tasks):
        area, work = works[t]
        items = []
        for _ in range(rng.choice((2, 3))):
            place = rng.choice(_AREAS)
            items.append(TaskItem(content=_sentence(rng, place, work),
                                  amount=cents(rng, 50, 3000), goal=_goal_text(rng, place, work)))
        task_list.append(Task(name=f"推进{area}{work}", items=items))
    task_total = sum((i.amount for t in task_list for i in t.items if i.amount), Decimal("0"))
    project = (task_total * Decimal("1.15")).quantize(Decimal("0.01"))
    basic = cents(rng, 2000, 6000)
    total = basic + project
    other = cents(rng, 100, 1500)
    transfer = (project * Decimal("0.2")).quantize(Decimal("0.01"))
    budget = Budget(
        basic_expenditure=basic, project_expenditure=project,
        fiscal_appropriation=total - other, other_funds=other,
        special_fiscal_funds=(project * Decimal("0.3")).quantize(Decimal("0.01")),
        other_development_expenditure=(project * Decimal("0.1")).quantize(Decimal("0.01")),
        city_level_funds=total - transfer, transfer_payment_funds=transfer,
    )
    goals = [f"{n}. {rng.choice(_VERBS)}{rng.choice(_WORKS)}工作，{rng.choice(_EFFECTS)}；"
             for n in range(1, 7)]
    return Form(
        department="广州市示例协作局",
        year=2025,
        budget=budget,
        overall_goal="".join(goals).removesuffix("；") + "。",
        tasks=task_list,
        other_tasks="做好年度帮扶协作工作总结和绩效自评。",
        indicators=_indicators(indicators, pairs, rng),
    )


#: Phases that make generated names distinct beyond 400 indicators (「二期梅州市帮扶项目数量」).
_PHASES = ("", "二期", "三期", "四期", "五期", "六期", "七期", "八期")
#: generated_form runs out of distinct names beyond this many indicators.
GENERATED_MAX = 400


def scaled_form(tasks: int, indicators: int) -> Form:
    """A generated form of this size; beyond 400 indicators, the 400 are repeated as phases
    (「二期梅州市帮扶项目数量」: a distinct name, as S13 compares them). The indicators stay
    grouped by 一级/二级 pair, as in a real form (and as the exporter writes them), so that
    ``read_xlsx(write_form(form)) == form``."""
    base = generated_form(tasks, min(indicators, GENERATED_MAX))
    rows = []
    for phase in _PHASES:
        for ind in base.indicators:
            if len(rows) == indicators:
                break
            rows.append(ind.model_copy(update={"name": phase + ind.name}))
    if len(rows) < indicators:
        raise ValueError(f"at most {len(_PHASES) * GENERATED_MAX} indicators")
    pairs = list(dict.fromkeys((i.level1, i.level2) for i in base.indicators))
    rows.sort(key=lambda i: pairs.index((i.level1, i.level2)))  # stable: phases in order
    return base.model_copy(update={"indicators": rows})


# --------------------------------------------------------------------------------------------
# Databases

#: The PostgreSQL of the test suite and CI (.ci/run): trust auth on the local machine.
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_base_url(explicit: str | None = None) -> str:
    """The PostgreSQL to use: ``explicit`` (--postgres), else $BENCH_DATABASE_URL, else
    $TEST_DATABASE_URL, else the local default."""
    return explicit or os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "TEST_DATABASE_URL") or DEFAULT_POSTGRES


@contextmanager
def sqlite_url() -> Iterator[str]:
    """The URL of a SQLite file in a temporary directory, removed on exit."""
    with tempfile.TemporaryDirectory(prefix="declbot-bench-") as directory:
        yield f"sqlite:///{Path(directory) / 'bench.sqlite3'}"


@contextmanager
def postgres_url(base_url: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped on exit."""
    base = make_url(base_url)
    schema = f"declbot_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, poolclass=NullPool, connect_args={"connect_timeout": 5})
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        options = f"{base.query.get('options', '')} -csearch_path={schema}".strip()
        yield base.update_query_dict({"options": options}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def postgres_reachable(base_url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        engine = create_engine(base_url, poolclass=NullPool, connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure means: skip PostgreSQL
        return str(error).splitlines()[0]
    return None


def postgres_chosen(explicit: str | None, no_postgres: bool) -> str | None:
    """The PostgreSQL base URL a benchmark runs on, or None (saying why it is skipped)."""
    pg = postgres_base_url(explicit)
    if no_postgres:
        print("SKIPPED PostgreSQL: --no-postgres")
        return None
    why = postgres_reachable(pg)
    if why is not None:
        print(f"SKIPPED PostgreSQL: {make_url(pg).render_as_string()} unreachable ({why})")
        return None
    return pg


def postgres_version(url: str) -> str:
    """The server's version string (SHOW server_version)."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()
