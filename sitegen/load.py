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

from .forks import fork_map
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
    content_dir: Path | None = None  # where the files came from (content/sources/ is beside lists/)



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
        if (exc.problem or "").startswith("found unexpected end of stream") and exc.context_mark:
            mark = exc.context_mark  # the quote or bracket that was never closed, not the end of the file
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (exc.problem or "").strip()
        return None, [Problem(shown_path, line, col, "", f"YAML 格式错误：{_yaml_reason(what)} (YAML syntax: {what})")]
    except yaml.reader.ReaderError as exc:  # a control character pasted from elsewhere
        # libyaml counts bytes, the Python reader characters: find the character itself
        at = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        line, col = _line_col(text, at if at >= 0 else exc.position)
        return None, [Problem(shown_path, line, col, "", f"含有不可见的控制字符 U+{exc.character:04X}（多半是从别处复制来的），请删除 (control character not allowed)")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown_path, 1, 1, "", f"YAML 无法读取 (unreadable YAML: {exc})")]
    if node is None:
        line = text.count("\n") + (not text.endswith("\n")) if text.strip() else 1
        return None, [Problem(shown_path, max(line, 1), 1, "", "文件是空的（或只有注释），可能没有保存完整 (file is empty)")]
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
        "found unexpected end of stream": "文件意外结束（引号没有配对？文件没有保存完整？）",
        "did not find expected '-' indicator": "列表项缺少“-”",
        "found a tab character that violates indentation": "不能用制表符（Tab）缩进，请用空格",
        "found a tab character where an indentation space is expected": "不能用制表符（Tab）缩进，请用空格",
        "mapping values are not allowed in this context": "这里不能出现冒号，含冒号的文字请用引号括起来",
        "expected ',' or ']'": "方括号“[ ]”没有配对",
        "expected ',' or '}'": "花括号“{ }”没有配对",
        "found unknown escape character": "双引号里的反斜杠“\\”要写两次，或改用单引号",
        "expected a single document in the stream": "一个文件只能有一份内容（多了一行“---”？）",
        "but found another document": "一个文件只能有一份内容（多了一行“---”？）",
        "found character '%' that cannot start any token": "“%” 不能放在开头，请用引号括起来",
        "found character '@' that cannot start any token": "“@” 不能放在开头，请用引号括起来",
        "found character '`' that cannot start any token": "“`” 不能放在开头，请用引号括起来",
    }
    for english, chinese in hints.items():
        if problem.startswith(english):
            return chinese
    return "无法解析"


def shown_path(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def read_file(path: Path, root: Path) -> tuple[Document | None, list[Problem]]:
    shown = shown_path(path, root)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(data, exc, shown)]
    return parse(text, shown)


def _line_col(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _not_utf8(data: bytes, exc: UnicodeDecodeError, shown: str) -> Problem:
    """Where the first byte that is not UTF-8 stands, and what the file most likely is."""
    prefix = data[: exc.start].decode("utf-8", errors="replace")
    line, col = _line_col(prefix, len(prefix))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        why = "文件是 UTF-16（“Unicode”）编码，请另存为 UTF-8"
    elif exc.end >= len(data) and exc.reason == "unexpected end of data":
        why = "文件在最后一个字中途结束，可能没有保存完整；请重新保存"
    else:
        try:
            data.decode("gb18030")
            why = "文件是 GBK 编码（记事本、WPS 常用），请用“另存为”选 UTF-8 编码"
        except UnicodeDecodeError:
            why = "文件不是 UTF-8 编码，请另存为 UTF-8"
    return Problem(shown, line, col, "", f"{why} (not UTF-8: {exc.reason})")


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
    paths = [p for p in sorted(lists_dir.rglob("*.yaml")) if p.parent != lists_dir]  # not regions.yaml, certificates.yaml
    parsed = fork_map(lambda path: read_file(path, root), paths)  # on every core for a national data set
    for path, (doc, found) in zip(paths, parsed):
        problems.extend(found)
        key = path.relative_to(lists_dir).with_suffix("").as_posix()
        if doc is None:
            unreadable.append(key)
        else:
            doc.key = key
            # a file in a history/ folder is an earlier version of a list, not a current list
            (history if "history" in path.relative_to(lists_dir).parts[:-1] else list_docs).append(doc)
    return Loaded(site, regions, certificates, list_docs, problems, unreadable, history, content_dir)
