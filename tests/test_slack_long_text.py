"""A long text as a summary and parts that fit a Slack message each, split between sections."""

from __future__ import annotations

from handlers.long_text import (
    BLOCK_HEADING,
    SECTION_HEADING,
    clip,
    line_chunks,
    split_long_text,
    utf16_len,
)


def report(sections: dict[str, list[str]], block: str = "══ 警告（建议修改） ══") -> str:
    lines = ["表格尚不完整：1 个错误。", "", block]
    for heading, findings in sections.items():
        lines += [heading, *findings]
    return "\n".join(lines)


def content(parts: list[str]) -> list[str]:
    """The parts' lines that are not headings, in order."""
    return [line for p in parts for line in p.split("\n")
            if line.strip() and not BLOCK_HEADING.match(line) and not SECTION_HEADING.match(line)]


def test_lengths_are_counted_as_slack_counts_them() -> None:
    assert utf16_len("表格") == 2 and utf16_len("🎉") == 2
    assert clip("表格完整", 4) == "表格完整" and clip("表格完整", 3) == "表格…"
    assert clip("🎉🎉🎉", 4) == "🎉…"  # never half an emoji


def test_line_chunks_cut_between_lines_then_inside_long_ones() -> None:
    assert line_chunks("a\nb\nc", 3) == ["a\nb", "c"]
    assert line_chunks("abcdefg", 3) == ["abc", "def", "g"]
    assert line_chunks("\n\n  \n", 3) == []


def test_sections_are_packed_into_parts_in_order() -> None:
    text = report({f"【第{n}节】": [f"! [A{n}] " + "很" * 30 for _ in range(3)] for n in range(10)})
    summary, parts = split_long_text(text, 300, 100)
    assert summary == "表格尚不完整：1 个错误。"
    assert len(parts) > 3 and all(utf16_len(p) <= 300 for p in parts)
    assert content(parts) == content([text.split("\n", 1)[1]])  # nothing lost, nothing twice
    for part in parts:  # every part says where it is: its block, then a section
        lines = part.split("\n")
        assert lines[0] == "══ 警告（建议修改） ══" and SECTION_HEADING.match(lines[1])
        assert lines.count("══ 警告（建议修改） ══") == 1


def test_a_section_longer_than_a_part_is_continued_under_its_heading() -> None:
    text = report({"【绩效指标】": [f"! [S{n:02d}] " + "长" * 40 for n in range(30)]})
    _, parts = split_long_text(text, 400, 100)
    assert len(parts) > 3
    assert all(p.startswith("══ 警告（建议修改） ══\n【绩效指标】\n! [S") for p in parts)
    assert content(parts) == [f"! [S{n:02d}] " + "长" * 40 for n in range(30)]


def test_a_new_block_starts_with_its_heading() -> None:
    text = "\n".join(["汇总", "", "══ 错误 ══", "【甲】", "x" * 50, "", "══ 提示 ══", "【乙】", "y" * 50])
    assert split_long_text(text, 1000, 100) == ("汇总", [
        "══ 错误 ══\n【甲】\n" + "x" * 50 + "\n\n══ 提示 ══\n【乙】\n" + "y" * 50])
    _, parts = split_long_text(text, 70, 100)
    assert parts == ["══ 错误 ══\n【甲】\n" + "x" * 50, "══ 提示 ══\n【乙】\n" + "y" * 50]


def test_a_text_without_outline_is_its_first_line_then_the_rest() -> None:
    lines = [f"{n}. 任务" + "内容" * 20 for n in range(40)]
    summary, parts = split_long_text("部门名称：甲局\n" + "\n".join(lines), 500, 100)
    assert summary == "部门名称：甲局"
    assert all(utf16_len(p) <= 500 for p in parts) and "\n".join(parts) == "\n".join(lines)


def test_a_summary_too_long_is_cut_and_the_parts_hold_everything() -> None:
    head = "汇总" * 200
    summary, parts = split_long_text(f"{head}\n第二行\n\n【甲】\nx", 150, 50)
    assert summary == clip(head, 50)
    assert "".join(parts).replace("\n", "").startswith(head) and parts[-1].endswith("【甲】\nx")
    summary, parts = split_long_text("【甲】\nx\n【乙】\ny", 10, 50)  # opens with a heading
    assert summary == "【甲】" and parts == ["【甲】\nx", "【乙】\ny"]
