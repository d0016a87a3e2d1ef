"""Stage 1, load: read every YAML file under content/ and remember where each
value stands (line and column), so later stages can point at it.

Nothing here judges the content; it only parses. A file that is not valid YAML
(or has a key twice) becomes a Problem, and loading goes on with the others so
all errors are reported in one run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

try:  # the C parser is several times faster; same nodes and marks
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

Marks = dict[tuple, tuple[int, int]]


@dataclass
class Document:
    path: str  # as shown in messages, relative to the project
    data: Any
    marks: Marks = field(default_factory=dict)
    key: str = ""  # a list file's id: its path below content/lists/ without .yaml

    def where(self, path: tuple) -> tuple[int, int]:
        """Line and column of the value at ``path`` (or of its nearest parent)."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))


@dataclass
class Loaded:
    site: Document | None
    regions: Document | None
    certificates: Document | None
    lists: list[Document]
    problems: list[Problem]
    unreadable: list[str] = field(default_factory=list)  # keys of list files that did not parse
    history: list[Document] = field(default_factory=list)  # earlier list versions: <region>/history/*.yaml



def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return node.value.lower() in ("true", "yes", "on")
    if tag.endswith(":int"):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return node.value
    if tag.endswith(":float"):
        try:
            return float(node.value)
        except ValueError:
            return node.value
    # strings, and dates kept as written (2020-12-03 stays text)
    return node.value


class _Duplicate(Exception):
    def __init__(self, key: str, node: yaml.Node):
        self.key, self.node = key, node


def _to_python(node: yaml.Node, path: tuple, marks: Marks) -> Any:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = _to_python(key_node, path + ("<key>",), {})
            key = str(key)
            if key in out:
                raise _Duplicate(key, key_node)
            out[key] = _to_python(value_node, path + (key,), marks)
            # a key's own position is more useful than its value's for "missing" errors
            marks.setdefault(path + (key, "<key>"), (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), marks) for i, item in enumerate(node.value)]
    return _scalar(node)


def parse(text: str, shown_path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML text; on failure return the problem instead."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (exc.problem or "").strip()
        return None, [Problem(shown_path, line, col, "", f"YAML 格式错误：{_yaml_reason(what)} (YAML syntax: {what})")]
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        return None, [Problem(shown_path, 1, 1, "", f"YAML 无法读取 (unreadable YAML: {exc})")]
    if node is None:
        return Document(shown_path, None, {(): (1, 1)}), []
    marks: Marks = {}
    try:
        data = _to_python(node, (), marks)
    except _Duplicate as dup:
        m = dup.node.start_mark
        return None, [Problem(shown_path, m.line + 1, m.column + 1, dup.key, f"字段重复出现 (key appears twice): {dup.key}")]
    return Document(shown_path, data, marks), []


def _yaml_reason(problem: str) -> str:
    hints = {
        "could not find expected ':'": "缺少冒号“:”",
        "mapping values are not allowed here": "这里不能出现冒号，含冒号的文字请用引号括起来",
        "found character '\\t' that cannot start any token": "不能用制表符（Tab）缩进，请用空格",
        "expected <block end>, but found": "缩进不一致",
        "found undefined alias": "未定义的别名",
        "did not find expected key": "缩进不一致或缺少“-”",
        "found unexpected end of stream": "文件意外结束（引号没有配对？）",
        "did not find expected '-' indicator": "列表项缺少“-”",
    }
    for english, chinese in hints.items():
        if problem.startswith(english):
            return chinese
    return "无法解析"


def shown_path(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def read_file(path: Path, root: Path) -> tuple[Document | None, list[Problem]]:
    shown = shown_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 1, 1, "", f"文件不是 UTF-8 编码，请另存为 UTF-8 (not UTF-8: {exc.reason})")]
    return parse(text, shown)


def load(content_dir: Path, root: Path) -> Loaded:
    """Read content/site.yaml, content/lists/regions.yaml, certificates.yaml and
    every other content/lists/**/*.yaml as a list file (those in a history/
    folder as earlier versions of a list)."""
    problems: list[Problem] = []

    def one(path: Path) -> Document | None:
        if not path.exists():
            shown = shown_path(path, root)
            problems.append(Problem(shown, 1, 1, "", "缺少这个文件 (file missing)"))
            return None
        doc, found = read_file(path, root)
        problems.extend(found)
        return doc

    lists_dir = content_dir / "lists"
    site = one(content_dir / "site.yaml")
    regions = one(lists_dir / "regions.yaml")
    certificates = one(lists_dir / "certificates.yaml")
    list_docs, unreadable, history = [], [], []
    for path in sorted(lists_dir.rglob("*.yaml")):
        if path.parent == lists_dir:
            continue  # regions.yaml, certificates.yaml
        key = path.relative_to(lists_dir).with_suffix("").as_posix()
        doc = one(path)
        if doc is None:
            unreadable.append(key)
        else:
            doc.key = key
            # a file in a history/ folder is an earlier version of a list, not a current list
            (history if "history" in path.relative_to(lists_dir).parts[:-1] else list_docs).append(doc)
    return Loaded(site, regions, certificates, list_docs, problems, unreadable, history)
