"""List versions, and what changed from one to the next.

A region's current list is ``<region>/<name>.yaml``; its earlier versions,
each dated, are files in ``<region>/history/`` (docs/editing.md); an earlier
document known only from what a list says of it is that list's
``supersedes:`` entry. ``chain`` orders a list's versions, ``changes``
compares each with the one before (rows matched by id).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from .model import Content, PublishedList, Row, Source, Superseded
from .problems import Problem
from .tables import DEFAULT_LABELS, cell

UNDATED = "原文未载明日期"

# Row fields that are published text (the documents' columns), in display order.
ROW_FIELDS = ("name", "route", "category", "requested_by", "issued_by", "matters", "purpose", "clauses", "method", "note")
# List details a new version may change, with their labels.
LIST_FIELDS = (("title", "清单标题"), ("batch", "批次"), ("issuer", "发布机关"), ("doc_number", "文号"), ("basis", "依据文件"), ("source", "来源文件"))


@dataclass(frozen=True)
class Version:
    """One version of a region's list of one kind: a published list, or an
    earlier document known only by what a later list says of it."""

    list: PublishedList | None
    superseded: Superseded | None = None
    family: str = ""  # the current list's file name (buyu-chuju): anchors stay put when a version moves to history/

    @property
    def date(self) -> str:
        return self.list.version_date if self.list else self.superseded.date

    @property
    def date_text(self) -> str:
        return self.date or UNDATED

    @property
    def title(self) -> str:
        if self.list:
            return self.list.title
        s = self.superseded
        return f"《{s.title}》（{s.doc_number}）{s.part}" if s.title else f"{s.doc_number}{s.part}"

    @property
    def anchor(self) -> str:
        """A stable fragment id for this version on the 变更记录 page."""
        if self.list:
            return f"v-{self.date or 'undated'}-{self.family}"
        ascii_only = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in self.superseded.doc_number + " " + self.superseded.part)
        return "-".join(["v", self.family, *ascii_only.split()])  # 渝府办发〔2018〕56号 附件2 → v-buyu-chuju-2018-56-2


@dataclass(frozen=True)
class Segment:
    """A piece of a character diff: ``tag`` is "" (unchanged), "del" or "ins"."""

    tag: str
    label: str  # said by screen readers before a changed piece: 删去 / 新增
    text: str


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    old: str
    new: str

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The new text with what changed from the old marked, character by character."""
        segments = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, self.old, self.new, autojunk=False).get_opcodes():
            if op == "equal":
                segments.append(Segment("", "", self.old[i1:i2]))
                continue
            if i2 > i1:
                segments.append(Segment("del", "删去", self.old[i1:i2]))
            if j2 > j1:
                segments.append(Segment("ins", "新增", self.new[j1:j2]))
        return tuple(segments)


@dataclass(frozen=True)
class Reworded:
    new: Row
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Change:
    """From one version of a region's list to the next (old is None: first publication)."""

    old: Version | None
    new: Version
    added: tuple[Row, ...] = ()
    removed: tuple[Row, ...] = ()
    reworded: tuple[Reworded, ...] = ()
    details: tuple[FieldChange, ...] = ()  # the list's own title, 文号, basis …
    replaced: tuple[Row, ...] = ()  # superseded document: rows whose 备注 name old names (former_names)
    carried: tuple[Row, ...] = ()  # superseded document: rows whose 备注 cite an old item
    unmapped: tuple[Row, ...] = ()  # superseded document: rows whose 备注 say nothing of it
    dropped: tuple[str, ...] = ()  # superseded document: old items not carried

    @property
    def region(self) -> str:
        return self.new.list.region

    @property
    def kind(self) -> str:
        return self.new.list.kind

    @property
    def date(self) -> str:
        return self.new.date

    @property
    def from_superseded(self) -> bool:
        return self.old is not None and self.old.list is None

    def summary(self) -> str:
        """A one-line count of what changed, e.g. 新增 1 项，改写 2 项."""
        rows = len(self.new.list.rows)
        if self.old is None:
            return f"发布，共 {rows} 项"
        if self.from_superseded:
            s = self.old.superseded
            parts = [f"取代{s.doc_number}{s.part}，共 {rows} 项"]
            counts = (("{} 项注明涵盖旧文件中的名称", self.replaced), ("{} 项注明沿用旧文件的项目", self.carried), ("旧文件中 {} 项未列入", self.dropped))
        else:
            parts = []
            counts = (("新增 {} 项", self.added), ("删除 {} 项", self.removed), ("改写 {} 项", self.reworded))
        parts += [text.format(len(items)) for text, items in counts if items]
        if self.details:
            parts.append("清单信息变更：" + "、".join(f.label for f in self.details))
        return "，".join(parts) or "内容无变化"


# ------------------------------------------------------------------ versions


@lru_cache(maxsize=4096)
def _norm_doc(text: str) -> str:
    """渝府办发(2018) 56号 and 渝府办发〔2018）56号 are one 文号."""
    table = str.maketrans({c: "〔" for c in "（(［[【"} | {c: "〕" for c in "）)］]】"})
    return "".join(text.translate(table).split())


def chain(content: Content, lst: PublishedList) -> tuple[Version, ...]:
    """A current list's versions, oldest first: its earlier versions, each after
    the documents it superseded (named once), and ``lst`` last."""
    earlier = [old for old in content.earlier.get(lst.region, ()) if old.kind == lst.kind]
    family = lst.id.rsplit("/", 1)[-1]
    out: list[Version] = []
    seen: set[str] = set()
    for published in sorted(earlier, key=lambda x: (x.version_date, x.id)) + [lst]:
        for s in published.supersedes:
            key = _norm_doc(s.doc_number + s.part)
            if key not in seen:  # a later version repeating the block adds nothing
                seen.add(key)
                out.append(Version(None, s, family))
        out.append(Version(published, None, family))
    return tuple(out)


def source_text(s: Source) -> str:
    """A list's source document in one line: issuer《title》, 文号, date, part."""
    return "，".join(p for p in (f"{s.issuer}《{s.title}》", s.doc_number, s.date, s.part) if p)


def _detail(lst: PublishedList, key: str) -> str:
    if key == "basis":
        return "、".join(lst.basis)
    return source_text(lst.source) if key == "source" else getattr(lst, key)


def compare(old: Version | None, new: Version) -> Change:
    """What changed from ``old`` to ``new`` (``new`` is always a published list)."""
    lst = new.list
    if old is None:
        return Change(None, new)
    if old.list is None:
        s = old.superseded
        replaced, carried, unmapped = [], [], []
        for row in lst.rows:
            if _norm_doc(s.doc_number) not in _norm_doc(row.note):
                unmapped.append(row)
            elif row.former_names:
                replaced.append(row)
            else:
                carried.append(row)
        return Change(old, new, replaced=tuple(replaced), carried=tuple(carried), unmapped=tuple(unmapped), dropped=s.dropped)
    labels = DEFAULT_LABELS | lst.columns
    before = {r.id: r for r in old.list.rows}
    after = {r.id: r for r in lst.rows}
    reworded = []
    for row in (r for r in lst.rows if r.id in before):
        pairs = ((key, cell(before[row.id], key), cell(row, key)) for key in ROW_FIELDS)
        fields = tuple(FieldChange(key, labels.get(key, key), a, b) for key, a, b in pairs if a != b)
        if fields:
            reworded.append(Reworded(row, fields))
    details = tuple(
        FieldChange(key, label, _detail(old.list, key), _detail(lst, key))
        for key, label in LIST_FIELDS
        if _detail(old.list, key) != _detail(lst, key)
    )
    return Change(
        old, new,
        added=tuple(r for r in lst.rows if r.id not in before),
        removed=tuple(r for r in old.list.rows if r.id not in after),
        reworded=tuple(reworded),
        details=details,
    )


def changes(versions: tuple[Version, ...]) -> tuple[Change, ...]:
    """Every change along a ``chain``, oldest first. A names-only document has
    no change of its own: it is only the 'before' of the next."""
    return tuple(compare(versions[i - 1] if i else None, v) for i, v in enumerate(versions) if v.list is not None)


# ------------------------------------------------------------------ validation


def supersedes_of(data: dict) -> tuple[Superseded, ...]:
    """The ``supersedes:`` block of a list file (already schema-checked)."""
    return tuple(
        Superseded(s["doc_number"], s.get("title", ""), s.get("part", ""), s.get("date", ""), s.get("note", ""), tuple(s.get("dropped", ())))
        for s in data.get("supersedes", ())
    )


def version_problems(loaded, lists: list[PublishedList], history: tuple[PublishedList, ...], incomplete: set[str]) -> list[Problem]:
    """Every earlier version belongs to a current list, is dated, and is older
    than it; dates do not repeat; a dropped name is quoted from the 说明."""
    docs = {d.path: d for d in list(loaded.lists) + list(loaded.history)}
    problems = []

    def problem(lst: PublishedList, path: tuple, message: str) -> None:
        problems.append(docs[lst.path].problem(path, message))

    current = {(lst.region, lst.kind): lst for lst in lists}
    seen_dates: dict[tuple[str, str, str], str] = {}
    for old in sorted(history, key=lambda x: x.id):
        key = (old.region, old.kind)
        now = current.get(key)
        if now is None:
            if old.region not in incomplete:
                problem(old, ("kind",), f"历史版本没有对应的现行清单：地区 {old.region} 没有“{old.kind}”清单；历史版本只能放在现行清单所在地区的 history/ 文件夹 (earlier version without a current list)")
            continue
        if not old.version_date:
            problem(old, ("date",), "历史版本必须写明日期 date（或来源文件日期 source.date），用来排序和生成变更记录；原文没有日期的旧文件请写在现行清单的 supersedes 中 (an earlier version needs its date)")
            continue
        if not now.version_date:
            problem(now, ("date",), f"这份清单有历史版本（{old.path}），必须写明日期 date（或 source.date）(a list with earlier versions needs its date)")
        elif old.version_date >= now.version_date:
            problem(old, ("date",), f"历史版本的日期 {old.version_date} 应早于现行清单 {now.path} 的日期 {now.version_date} (an earlier version must be older)")
        other = seen_dates.setdefault(key + (old.version_date,), old.path)
        if other != old.path:
            problem(old, ("date",), f"同一清单有两个日期相同（{old.version_date}）的历史版本：{other} (two versions with one date)")
    for lst in list(lists) + list(history):
        for i, s in enumerate(lst.supersedes):
            for j, name in enumerate(s.dropped):
                if name not in s.note:
                    problem(lst, ("supersedes", i, "dropped", j), f"“{name}” 没有逐字出现在 note（本清单原文的说明）中；只能摘录原文 (must be quoted verbatim from note)")
    return problems
