"""Field-level differences between two forms, and applying them back (history and undo)."""

from __future__ import annotations

import re
from typing import Any

from bot.store import Change
from form_model.models import Form

_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _diff_list(path: str, old: list[Any], new: list[Any], out: list[Change]) -> None:
    if len(old) != len(new):
        out.append(Change(path, old, new))
        return
    for n, (a, b) in enumerate(zip(old, new, strict=True)):
        if a == b:
            continue
        for key in a:
            if a[key] == b.get(key):
                continue
            if isinstance(a[key], list):
                _diff_list(f"{path}[{n}].{key}", a[key], b[key], out)
            else:
                out.append(Change(f"{path}[{n}].{key}", a[key], b[key]))


def diff_forms(old: Form, new: Form) -> list[Change]:
    """What changed, one entry per field (a whole list when rows were added or removed)."""
    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    out: list[Change] = []
    for key in a:
        if a[key] == b[key]:
            continue
        if key == "budget":
            out.extend(
                Change(f"budget.{attr}", a[key][attr], b[key][attr])
                for attr in a[key] if a[key][attr] != b[key][attr]
            )
        elif key in ("tasks", "indicators"):
            _diff_list(key, a[key], b[key], out)
        else:
            out.append(Change(key, a[key], b[key]))
    return out


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a path such as "tasks[0].items[1].amount" in a form's JSON."""
    steps = path.split(".")
    node: Any = data
    for n, step in enumerate(steps):
        m = _STEP.fullmatch(step)
        if not m:
            raise ValueError(f"bad path {path!r}")
        key, index = m.group(1), m.group(2)
        last = n == len(steps) - 1
        if index is None:
            if last:
                node[key] = value
            else:
                node = node[key]
        else:
            if last:
                node[key][int(index)] = value
            else:
                node = node[key][int(index)]


def apply_changes(form: Form, changes: list[Change]) -> Form:
    data = form.model_dump(mode="json")
    for c in changes:
        set_path(data, c.path, c.new)
    return Form.model_validate(data)
