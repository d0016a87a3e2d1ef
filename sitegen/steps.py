"""What to do instead of asking the community, quoted from the published route.

A not-issued row's 办事途径 is cut into clauses; each becomes a step: a few
fixed plain words, then the clause word for word with the row's offices and
documents marked. The plain words never name an office, a document or a
service (tests/test_answers.py checks every built page).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Certificate, Row

# Step kinds, in the order a clause is tested for them; also CSS modifiers.
CHECK = "check"  # the office that asked checks by itself
GO = "go"  # an office issues it or handles it
BRING = "bring"  # documents that prove it
SELF = "self"  # the resident arranges it
OTHER = "other"

LEAD = {CHECK: "办事单位自己核对", GO: "去这里办", BRING: "可以用这些证件证明", SELF: "自己准备", OTHER: "原文还写着"}
LISTED = "原文列出的证件"  # BRING's lead when the documents do not fit every name

_CUT = re.compile(r"(?<=[；。])|(?<=;)(?=\s*[\u4e00-\u9fff])|(?=[，,；;]或由)")
_CHECKS = re.compile(r"(相关|有关)部门.*(核对|核实)")


@dataclass(frozen=True)
class Piece:
    text: str
    cls: str = ""  # "" plain words; "said" verbatim; "name" an office or document inside a quote


@dataclass(frozen=True)
class Step:
    kind: str  # CSS modifier
    lead: str  # fixed plain words
    quote: tuple[Piece, ...]  # the clause, verbatim; names marked "name"
    note: str = ""  # plain words about what the listed documents cover


def clauses(route: str) -> list[str]:
    """The route cut at ；/。, at a ; that Chinese text follows, and before
    ", 或由 …", each still verbatim."""
    parts = (part.strip().strip("，,；;").strip() for part in _CUT.split(route))
    return [part for part in parts if part.strip("。；;，, ")]


def _kind(clause: str, row: Row) -> str:
    if _CHECKS.search(clause):
        return CHECK
    if any(o in clause for o in row.offices):
        return GO
    if any(d in clause for d in row.documents):
        return BRING
    if "自行" in clause:
        return SELF
    return OTHER


def _marked(clause: str, names: tuple[str, ...]) -> tuple[Piece, ...]:
    """The clause as pieces, each occurrence of a name marked (longest first)."""
    names = sorted((n for n in names if n and n in clause), key=len, reverse=True)
    if not names:
        return (Piece(clause),)
    parts = re.split("(" + "|".join(re.escape(n) for n in names) + ")", clause)  # names at odd places
    return tuple(Piece(part, "name" if i % 2 else "") for i, part in enumerate(parts) if part)


def steps(row: Row, certificate: Certificate) -> tuple[Step, ...]:
    out = []
    cut = [(clause, _kind(clause, row)) for clause in clauses(row.route)]
    has_check = any(kind == CHECK for _, kind in cut)
    for clause, kind in cut:
        lead, note = LEAD[kind], ""
        if kind == BRING and certificate.documents_show:
            lead = LISTED
            note = (
                f"这些证件证明的是：{certificate.documents_show}。"
                f"要开{'、'.join(certificate.not_for[:2])}这类“没有”的证明，原文没有写该带什么"
                + ("；按原文，办事单位可以自己核对（见上一条）。" if has_check else "。")
            )
        out.append(Step(kind, lead, _marked(clause, row.offices + row.documents), note))
    return tuple(out)


def _names(step: Step, limit: int = 2) -> list[str]:
    return list(dict.fromkeys(p.text for p in step.quote if p.cls == "name"))[:limit]


def next_line(found: tuple[Step, ...], certificate: Certificate) -> tuple[Piece, ...]:
    """One line of what to do next: up to two ways, each in plain words with
    the office or document names quoted from the route; () when the route
    names none (the page then points to the route itself)."""
    ways: dict[str, list[Piece]] = {}  # kind → its way, the first step of each kind
    for step in found:
        names = _joined([[Piece(name, "said")] for name in _names(step)], "、")
        if len(ways) == 2 or step.kind in ways:
            continue
        if step.kind == CHECK:
            ways[CHECK] = [Piece("请办事单位自己核对")]
        elif step.kind == GO and names:
            ways[GO] = [Piece("去"), *names, Piece("办")]
        elif step.kind == BRING and names and not certificate.documents_show:
            ways[BRING] = [Piece("用"), *names, Piece("等证件证明")]
    if not ways:
        return ()
    return tuple(_joined(list(ways.values()), "；或者") + [Piece("。")])


def _joined(pieces: list[list[Piece]], between: str) -> list[Piece]:
    """The lists of pieces one after another, ``between`` between each two."""
    out: list[Piece] = []
    for i, more in enumerate(pieces):
        out += ([Piece(between)] if i else []) + more
    return out


def retained_next_line(row: Row, columns: dict[str, str]) -> tuple[Piece, ...]:
    """A retained row: who issues it, from its own columns."""
    if row.issued_by:
        return (Piece("找"), Piece(row.issued_by, "said"), Piece("开。"))
    if row.method:
        return (Piece(columns.get("method", "证明方式") + "："), Piece(row.method, "said"))
    return (Piece("到社区（村）问清楚怎么开。"),)
