"""Content problems: collected across a whole run, reported together.

Each problem names file, line, column and field, Chinese first, so a clerk
can open the file and fix it: ``content/lists/chongqing/buyu-chuju.yaml:212:5:
rows[3].route: 不能为空 (must not be empty)``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        field, message = visible(self.field), visible(self.message)
        return f"{where}: {field}: {message}" if field else f"{where}: {message}"


_INVISIBLE = {c: f"\\x{c:02x}" for c in range(32)} | {0x7F: "\\x7f", 0x2028: "\\u2028", 0x2029: "\\u2029", 0x85: "\\x85"}


def visible(text: str) -> str:
    """Line breaks and control characters typed into a key or value shown as
    escapes, so each problem stays one line that starts with path:line:col."""
    return text.translate(_INVISIBLE)


class ContentError(Exception):
    """Raised by a stage when the content has problems; holds all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def __reduce__(self):  # crosses from a child process whole (sitegen/forks.py)
        return ContentError, (self.problems,)

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(f"共 {len(self.problems)} 个问题，网站未更新 ({len(self.problems)} problem(s); site/ left unchanged)")
        return "\n".join(lines)


def field_name(path: tuple) -> str:
    """('rows', 3, 'route') → 'rows[3].route'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
