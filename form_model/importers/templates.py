"""Which template a grid holds: one of ours (Guangzhou, Guangdong), or another form that the
readers refuse with a message naming it (vocabulary in ``data/templates.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from form_model.importers.cells import Grid
from form_model.importers.errors import FormReadError
from form_model.importers.labels import cell_key
from form_model.models import Template
from form_model.normalize import label_key

#: A title is a short cell; a label cell is at most this much longer than the label.
TITLE_MAX = 60
LABEL_SLACK = 6


@dataclass(frozen=True)
class OtherTemplate:
    id: str
    name_zh: str
    name_en: str
    titles: tuple[str, ...]
    #: (normalised key, as printed) of each distinctive label.
    labels: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Vocabulary:
    our_titles: dict[Template, tuple[str, ...]]
    our_labels: tuple[str, ...]
    others: tuple[OtherTemplate, ...]


@cache
def vocabulary() -> Vocabulary:
    raw = json.loads(resources.files("form_model").joinpath("data/templates.json").read_text("utf-8"))
    ours = raw["ours"]
    return Vocabulary(
        our_titles={t: tuple(label_key(x) for x in ours[t.value]["titles"]) for t in Template},
        our_labels=tuple(label_key(x) for x in ours["labels"]),
        others=tuple(
            OtherTemplate(o["id"], o["name_zh"], o["name_en"],
                          tuple(label_key(x) for x in o["titles"]),
                          tuple((label_key(x), x) for x in o["labels"]))
            for o in raw["others"]
        ),
    )


def title_template(text: str) -> Template | None:
    """The template whose title the cell holds (「2025年度部门整体预算绩效目标申报表」)."""
    if not text or len(text) > TITLE_MAX:
        return None
    k = cell_key(text)
    for template, titles in vocabulary().our_titles.items():
        if any(t in k for t in titles):
            return template
    return None


def _label_hits(keys: list[str], labels: tuple[str, ...]) -> list[str]:
    """The labels (keys, in the vocabulary's order) that some cell carries: a key that starts
    with the label and is at most LABEL_SLACK longer."""
    lengths = {len(label) for label in labels}
    wanted = set(labels)
    found = {
        k[:n] for k in keys for n in lengths
        if len(k) >= n and len(k) <= n + LABEL_SLACK and k[:n] in wanted
    }
    return [label for label in labels if label in found]


def _shown_hits(keys: list[str], labels: tuple[tuple[str, str], ...]) -> list[str]:
    hits = set(_label_hits(keys, tuple(k for k, _ in labels)))
    return [shown for k, shown in labels if k in hits]


def _cell_keys(grid: Grid) -> list[str]:
    return [cell_key(t) for row in grid.rows for t in row if t and len(t) <= TITLE_MAX]


def other_template(grid: Grid) -> tuple[OtherTemplate, list[str]] | None:
    """Another form the grid holds (with the labels found that show it), or None."""
    keys = _cell_keys(grid)
    vocab = vocabulary()
    ours = len(_label_hits(keys, vocab.our_labels))
    ours += 3 * any(any(title in k for title in titles)
                    for k in keys for titles in vocab.our_titles.values())
    best: tuple[int, OtherTemplate, list[str]] | None = None
    for other in vocab.others:
        titled = any(title in k for k in keys if len(k) >= 6 for title in other.titles)
        found = _shown_hits(keys, other.labels)
        score = 3 * titled + len(found)
        if score >= 2 and score > ours and (best is None or score > best[0]):
            best = (score, other, found)
    return (best[1], best[2]) if best else None


def refuse_other(other: OtherTemplate, found: list[str]) -> FormReadError:
    """The one-line refusal naming the form and what of it has no place in ours."""
    zh = "".join(f"「{x}」" for x in found[:4])
    en = ", ".join(found[:4])
    what_zh = f"其中的{zh}等栏目在申报表中没有对应位置，因此" if found else ""
    what_en = f": its {en} have no place in the form, so" if found else ";"
    return FormReadError.of(
        "other_template",
        f"这份表格看起来是「{other.name_zh}」，不是部门整体预算绩效目标申报表：{what_zh}没有读取。"
        "请上传部门整体预算绩效目标申报表",
        f"This looks like a {other.name_en} ({other.name_zh}), not a departmental budget "
        f"performance target form{what_en} nothing was read.",
    )
