"""`declbot check`, `declbot export`, `declbot match` and `declbot chat` as staff run them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app import main
from form_model.exporter import write_form
from form_model.importers import load_form, read_text
from tests.forms import clean_form

REPO = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seed_txt(tmp_path: Path, seed_text: str) -> Path:
    path = tmp_path / "seed.txt"
    path.write_text(seed_text, encoding="utf-8")
    return path


def test_check_seed_reports_what_a_reviewer_would(capsys: pytest.CaptureFixture[str], seed_txt: Path) -> None:
    code, out, _ = run(capsys, "check", str(seed_txt), "--json")
    report = json.loads(out)
    assert code == 0 and report["complete"] is True  # warnings only
    found = {(f["code"], f["where"]) for f in report["findings"]}
    by_code: dict[str, list[dict[str, str]]] = {}
    for f in report["findings"]:
        by_code.setdefault(f["code"], []).append(f)
    # 质量指标 has no indicator; no 成本 indicator; 生态效益 empty (info).
    assert ("S09", "绩效指标 › 产出指标 › 质量指标") in found
    assert ("S08", "绩效指标 › 成本指标 › 经济成本指标") in found
    assert [f["severity"] for f in by_code["S16"] if f["where"].endswith("生态效益指标")] == ["info"]
    # The graded value and its overlapping bands.
    assert any("协助国内各地市来穗" in f["where"] for f in by_code["V06"])
    assert by_code["V06"][0]["suggestion"] == "≥10次"
    assert "重叠" in by_code["V07"][0]["message"]
    # The misaligned 社会影响力 row and the vague 较好.
    assert any("广州市对口帮扶工作的社会影响力" in f["where"] for f in by_code["S14"])
    assert any("较好" in f["message"] for f in by_code["V08"])
    # Values without a comparator, with a concrete fix.
    v02 = {f["where"].split(" › ")[3]: f["suggestion"] for f in by_code["V02"]}
    assert v02["广州对口帮扶省内镇数量"] == "≥78个"
    assert v02["国内省市企业达成经贸签约数额"] == "≥2亿元"
    assert v02["广州企业达成经贸签约数额"] == "≥5亿元"
    # The possibly truncated 期望达到的目标 of the first task.
    l02 = by_code["L02"]
    assert len(l02) == 1 and l02[0]["where"].startswith("年度重点工作任务 › 推动国内区域合作")
    assert l02[0]["where"].endswith("期望达到的目标（概述）")
    # Income ≠ expenditure by 2,536.49.
    assert "2,536.49" in by_code["B02"][0]["message"]
    assert report["counts"] == {
        "error": 0,
        "warning": sum(f["severity"] == "warning" for f in report["findings"]),
        "info": sum(f["severity"] == "info" for f in report["findings"]),
    }


def test_check_text_report_is_grouped_by_section(capsys: pytest.CaptureFixture[str], seed_txt: Path) -> None:
    code, out, _ = run(capsys, "check", str(seed_txt))
    assert code == 0
    assert out.startswith("表格完整：0 个错误")
    headers = [line for line in out.splitlines() if line.startswith(("【", "══"))]
    assert headers == [
        "══ 警告（建议修改） ══", "【预算整体情况】", "【总体绩效目标】", "【年度重点工作任务】", "【绩效指标】",
        "══ 提示 ══", "【预算整体情况】", "【其他需完成的任务】", "【绩效指标】",
    ]
    assert "→ 建议：≥78个" in out
    code, out, _ = run(capsys, "--lang", "en", "check", str(seed_txt))
    assert out.startswith("The form is complete: 0 errors") and "[Performance indicators]" in out


def test_check_exits_1_when_errors_remain(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    form = clean_form()
    form.department = ""
    path = tmp_path / "form.xlsx"
    path.write_bytes(write_form(form))
    code, out, _ = run(capsys, "check", str(path), "--json")
    report = json.loads(out)
    assert code == 1 and report["complete"] is False
    assert [f["code"] for f in report["findings"] if f["severity"] == "error"] == ["S01"]


def test_check_json_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "form.json"
    path.write_text(clean_form().model_dump_json(), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and out.startswith("表格完整：0 个错误，0 个警告")


@pytest.mark.parametrize(("name", "data", "words"), [
    ("random.xlsx", b"\x00\x01garbage" * 20, "不是"),
    ("empty.txt", b"", "空"),
    ("macro.xlsm", b"PK\x03\x04whatever", "宏"),
    ("nothing.txt", "你好，这不是申报表".encode(), "找不到申报表"),
    ("bad.json", b"{not json", "JSON"),
])
def test_unreadable_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run(capsys, "check", str(path))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", str(tmp_path / "nope.xlsx"))
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_export_writes_the_official_workbook(
    capsys: pytest.CaptureFixture[str], seed_txt: Path, tmp_path: Path, seed_text: str
) -> None:
    out_path = tmp_path / "out.xlsx"
    code, out, _ = run(capsys, "export", str(seed_txt), "-o", str(out_path))
    assert code == 0 and str(out_path) in out
    assert load_form(out_path) == read_text(seed_text)


def test_export_default_name_from_department_and_year(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "form.json"
    src.write_text(clean_form().model_dump_json(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "export", str(src))
    assert code == 0
    assert (tmp_path / "部门整体预算绩效目标申报表-广州市示例局-2025年.xlsx").is_file()


def test_export_bad_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "x.xlsx"
    src.write_bytes(b"PK\x03\x04broken")
    code, _, err = run(capsys, "export", str(src), "-o", str(tmp_path / "o.xlsx"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o.xlsx").exists()


def test_match_certain_ambiguous_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "match", "quality", "--column", "二级")
    assert code == 0 and "→ 质量指标" in out
    code, out, _ = run(capsys, "match", "生态", "--column", "二级", "--json")
    data = json.loads(out)
    assert data["decision"] == "ambiguous"
    assert {c["name"] for c in data["candidates"]} == {"生态效益指标", "生态环境成本指标"}
    code, out, _ = run(capsys, "match", "火星探测器数量", "--json")
    assert json.loads(out)["decision"] == "unknown"
    code, _, err = run(capsys, "match", "x", "--column", "四级")
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_chat_piped_session_exports_a_file(tmp_path: Path, seed_text: str) -> None:
    paste = tmp_path / "seed.txt"
    paste.write_text(seed_text, encoding="utf-8")
    script = f"@{paste}\n表格完整吗？\n导出\n"
    proc = subprocess.run(
        [sys.executable, "-m", "app", "chat", "--user", "tester",
         "--database", f"sqlite:///{tmp_path / 'chat.sqlite3'}", "--out", str(tmp_path / "out")],
        input=script, capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "已读取文件「seed.txt」" in proc.stdout
    assert "V07" in proc.stdout
    exported = tmp_path / "out" / "部门整体预算绩效目标申报表-广州市协作办公室.xlsx"
    assert exported.is_file()
    assert load_form(exported) == read_text(seed_text)


def test_chat_numbers_pick_offered_choices(tmp_path: Path) -> None:
    script = "甲局\n2025\n" + "\n".join(["1", "2", "3", "0", "0", "0", "3", "0"]) + "\n1. 目标\n任务一\n内容\n2\n目标\n3\n"
    proc = subprocess.run(
        [sys.executable, "-m", "app", "chat", "--user", "t2",
         "--database", f"sqlite:///{tmp_path / 'c.sqlite3'}", "--out", str(tmp_path)],
        input=script, capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    # "3" picked the third choice after the first task: tasks are done, on to 其他需完成的任务.
    assert "  3) 任务填完了" in proc.stdout
    tail = proc.stdout.rstrip().split("\n\n")[-1]
    assert tail.startswith("【其他需完成的任务（可选填）】") and tail.endswith("1) 跳过")


def test_check_and_export_import_only_what_they_use(tmp_path: Path) -> None:
    """A file check loads no database, Slack, web framework or matcher (python -X importtime
    shows the rest; bench/bench_cli.py measures the processes)."""
    path = tmp_path / "form.xlsx"
    path.write_bytes(write_form(clean_form()))
    code = (
        "import sys\n"
        "from app import main\n"
        f"main(['check', {str(path)!r}])\n"
        f"main(['export', {str(path)!r}, '-o', {str(tmp_path / 'out.xlsx')!r}])\n"
        "heavy = ('sqlalchemy', 'psycopg', 'slack_bolt', 'slack_sdk', 'flask', 'gunicorn',\n"
        "         'rapidfuzz', 'pypinyin', 'form_model.matching', 'form_model.library', 'bot',\n"
        "         'handlers')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out.xlsx").is_file()
