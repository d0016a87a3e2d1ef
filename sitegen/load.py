"""Stage 1, load: read every YAML file under content/ and remember where each
value stands (line and column), so later stages can point at it. Nothing here
judges the content; a file that cannot be read becomes a Problem and loading
goes on. What only a crafted file needs is refused where it stands, never
expanded: anchors, aliases, tags, nesting deeper than MAX_DEPTH, files over
MAX_FILE_BYTES, texts over MAX_TEXT (docs/editing.md lists these limits).
"""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .forks import fork_map
from .problems import Problem, field_name

try:  # the C parser is several times faster; same nodes and marks
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

Marks = dict[tuple, tuple[int, int]]

# Limits on one content file, ~100 times what real ones need.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_TEXT = 10_000  # characters in one value
MAX_DEPTH = 20  # nested lists and maps
_TOO_LONG = "这一项文字太长（{:,} 个字符），一项最多 {:,} 个字符；是不是粘贴了整份文件？ (text longer than {} characters)"
_TOO_DEEP = f"嵌套太深（超过 {MAX_DEPTH} 层）：清单文件只需要几层缩进，请检查括号“[ {{”和缩进"


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

    def problem(self, path: tuple, message: str) -> Problem:
        """A problem at the value (or, ending in "<key>", the key) ``path`` names."""
        return Problem(self.path, *self.where(path), field_name(tuple(p for p in path if p != "<key>")), message)


def items_of(doc: Document | None, key: str) -> list[dict] | None:
    """The mappings a regions or certificates file lists under ``key``, read
    leniently (the file may have problems of its own); None if it lists none."""
    found = doc.data.get(key) if doc is not None and isinstance(doc.data, dict) else None
    return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else None


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


def _at(mark) -> tuple[int, int]:
    """A libyaml mark (counted from 0) as the line and column a message shows."""
    return mark.line + 1, mark.column + 1


def _scalar(tag: str, value: str) -> Any:
    """A scalar's value; strings, and dates kept as written (2020-12-03 stays text)."""
    kind = tag.rsplit(":", 1)[-1]
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() in ("true", "yes", "on")
    try:
        if kind == "int":
            return int(value.replace("_", ""), 0)
        if kind == "float":
            return float(value)
    except ValueError:
        pass
    return value


class _Refused(Exception):
    """What only a crafted file has, refused where it stands; its argument is the Problem."""


class _Composer:
    """A file's data and the position of each value, built from libyaml's events in one walk
    (aliases are never expanded). Duplicate keys and too long texts are kept in ``refused`` and
    told once the whole file has parsed; a value or key holding a character of _HIDDEN in ``hidden``."""

    def __init__(self, loader: yaml.SafeLoader, shown: str):
        self.loader, self.shown = loader, shown
        self.marks: Marks = {}
        self.refused: list[Problem] = []
        self.hidden: list[Problem] = []

    def problem(self, event: yaml.Event, field: str, message: str) -> Problem:
        return Problem(self.shown, *_at(event.start_mark), field, message)

    def value(self, path: tuple, in_key: bool = False) -> Any:
        """The value whose first event is next, at ``path``; the events of a key
        (``in_key``) leave no marks and are searched for _HIDDEN only as the whole key."""
        event = self.loader.get_event()
        if not in_key:
            self.marks[path] = _at(event.start_mark)
        deep = isinstance(event, yaml.CollectionStartEvent) and len(path) >= MAX_DEPTH
        if isinstance(event, yaml.AliasEvent) or event.anchor or event.tag or deep:
            raise _Refused(self.problem(event, "", _crafted(event)))
        if isinstance(event, yaml.ScalarEvent):
            if len(event.value) > MAX_TEXT:
                self.refused.append(self.problem(event, "", _TOO_LONG.format(len(event.value), MAX_TEXT, MAX_TEXT)))
            if not in_key and _HIDDEN.search(event.value):
                self.hidden.append(self.problem(event, field_name(path), _hidden(event.value)))
            return _scalar(self.loader.resolve(yaml.ScalarNode, event.value, event.implicit), event.value)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list = []
            while not self.loader.check_event(yaml.SequenceEndEvent):
                items.append(self.value(path + (len(items),), in_key))
            self.loader.get_event()
            return items
        mapping: dict = {}
        while not self.loader.check_event(yaml.MappingEndEvent):
            key_event = self.loader.peek_event()
            key = str(self.value(path + ("<key>",), in_key=True))
            if key in mapping:
                self.refused.append(self.problem(key_event, key, f"字段重复出现 (key appears twice): {key}"))
            if not in_key and _HIDDEN.search(key):
                self.hidden.append(self.problem(key_event, field_name(path + (key,)), _hidden(key)))
            mapping[key] = self.value(path + (key,), in_key)
            if not in_key:  # a key's own position is more useful than its value's for "missing" errors
                self.marks.setdefault(path + (key, "<key>"), _at(key_event.start_mark))
        self.loader.get_event()
        return mapping


def _crafted(event: yaml.Event) -> str:
    """Why loading stops at ``event``: an alias, an anchor, a tag, or nesting deeper than MAX_DEPTH."""
    if isinstance(event, yaml.AliasEvent):
        return f"不能使用 YAML 别名“*{event.anchor}”：每一项请直接写出全文 (YAML aliases are not allowed)"
    if getattr(event, "anchor", None):
        return f"不能使用 YAML 锚点“&{event.anchor}”：每一项请直接写出全文 (YAML anchors are not allowed)"
    tag = "%TAG" if isinstance(event, yaml.DocumentStartEvent) else event.tag
    if tag:
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        return f"不能使用 YAML 类型标记“{tag}”：以“!”开头的文字请用引号括起来 (YAML tags are not allowed)"
    return f"{_TOO_DEEP} (nested deeper than {MAX_DEPTH} levels)"


def parse(text: str, shown_path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML text; on failure return the problem instead."""
    loader = _Loader(text)
    composer = _Composer(loader, shown_path)
    try:
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            line = text.count("\n") + (not text.endswith("\n")) if text.strip() else 1
            return None, [Problem(shown_path, max(line, 1), 1, "", "文件是空的（或只有注释），可能没有保存完整 (file is empty)")]
        start = loader.get_event()
        if start.tags:
            raise _Refused(composer.problem(start, "", _crafted(start)))
        data = composer.value(())
        loader.get_event()  # the document's end
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError("expected a single document in the stream", start.start_mark,
                                              "but found another document", loader.get_event().start_mark)
    except _Refused as refused:
        return None, list(refused.args)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if (exc.problem or "").startswith("found unexpected end of stream") and exc.context_mark:
            mark = exc.context_mark  # the quote or bracket that was never closed, not the end of the file
        line, col = _at(mark) if mark else (1, 1)
        what = (exc.problem or "").strip()
        if what == "found character that cannot start any token" and mark:  # libyaml leaves out which
            char = text.splitlines()[mark.line][mark.column : mark.column + 1]
            what = f"found character {char!r} that cannot start any token"
        reason = next((chinese for english, chinese in _YAML_REASONS.items() if english in what), "无法解析")
        return None, [Problem(shown_path, line, col, "", f"YAML 格式错误：{reason} (YAML syntax: {what})")]
    except yaml.reader.ReaderError as exc:  # a control character pasted from elsewhere
        # libyaml counts bytes, the Python reader characters: find the character itself
        at = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        line, col = _line_col(text, at if at >= 0 else exc.position)
        return None, [Problem(shown_path, line, col, "", f"含有不可见的控制字符 U+{exc.character:04X}（多半是从别处复制来的），请删除 (control character not allowed)")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown_path, 1, 1, "", f"YAML 无法读取 (unreadable YAML: {exc})")]
    if composer.refused:
        return None, composer.refused[:1]
    return Document(shown_path, data, composer.marks), composer.hidden


# Characters no list text needs and a page must not carry: control characters
# (a tab and a line break excepted), line/paragraph separators, and the bidi
# controls that make text display in another order than it reads (Trojan Source).
# A double-quoted escape ("\u202e") writes one without it standing in the file.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _hidden(text: str) -> str:
    """What is said of a value (or key) holding a character of _HIDDEN: which one."""
    char = _HIDDEN.search(text).group()
    code = f"U+{ord(char):04X}"
    shown = f"{code} {unicodedata.name(char, '')}".rstrip()
    what = "文字方向控制符，会让文字显示的顺序和实际不同" if _BIDI.match(char) else "控制字符，多半是从别处复制来的"
    return f"含有看不见的字符 {shown}（{what}），请删除这个字 (invisible character {code} not allowed)"


_TAB = "不能用制表符（Tab）缩进，请用空格"
_YAML_REASONS = {  # words of libyaml's message → what it means to a clerk
    "could not find expected ':'": "缺少冒号“:”",
    "mapping values are not allowed": "这里不能出现冒号，含冒号的文字请用引号括起来",
    "found character '\\t' that cannot start any token": _TAB,
    "found a tab character": _TAB,
    "expected <block end>, but found": "缩进不一致",
    "found undefined alias": "未定义的别名",
    "did not find expected key": "缩进不一致或缺少“-”",
    "found unexpected end of stream": "文件意外结束（引号没有配对？文件没有保存完整？）",
    "did not find expected '-' indicator": "列表项缺少“-”",
    "expected ',' or ']'": "方括号“[ ]”没有配对",
    "expected ',' or '}'": "花括号“{ }”没有配对",
    "found unknown escape character": "双引号里的反斜杠“\\”要写两次，或改用单引号",
    "but found another document": "一个文件只能有一份内容（多了一行“---”？）",
    "found character '%' that cannot start any token": "“%” 不能放在开头，请用引号括起来",
    "found character '@' that cannot start any token": "“@” 不能放在开头，请用引号括起来",
    "found character '`' that cannot start any token": "“`” 不能放在开头，请用引号括起来",
    "exceeded maximum nesting depth": _TOO_DEEP,
}


def shown_path(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """A content file's text, or why it cannot be read (a pipe, too large, not UTF-8)."""
    try:
        data = read_regular(path)
    except Unreadable as exc:
        return None, [Problem(shown, 1, 1, "", exc.message)]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(data, exc, shown)]


def read_file(path: Path, root: Path) -> tuple[Document | None, list[Problem]]:
    shown = shown_path(path, root)
    text, problems = read_text(path, shown)
    return (None, problems) if text is None else parse(text, shown)


FOLDER_NAMED_YAML = "这是一个文件夹，不是清单文件；文件夹名不能以 .yaml 结尾 (a folder named *.yaml)"


class Unreadable(Exception):
    """A file that cannot be read as one; ``message`` says why, Chinese first,
    at ``line``/``column`` where a place in it is known."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; a folder, a pipe
    or a device (a read that would never end), a file too large or one we may
    not read is refused with the reason."""
    too_big = f"一个文件最多 {limit / 1048576:g} MB (file larger than {limit / 1048576:g} MB)"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except IsADirectoryError:
        raise Unreadable("这是一个文件夹，不是文件 (a folder, not a file)") from None
    except PermissionError:
        raise Unreadable("没有权限读取这个文件，请检查文件权限 (permission denied)") from None
    except OSError as exc:
        raise Unreadable(f"无法打开这个文件 (cannot open: {exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable("这不是普通文件（管道、设备或特殊文件），不能读取 (not a regular file)")
        if st.st_size > limit:
            raise Unreadable(f"文件太大（{st.st_size / 1048576:.1f} MB），{too_big}")
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise Unreadable(f"读取失败 (cannot read: {exc.strerror})") from None
    if len(data) > limit:  # grew while we read
        raise Unreadable(f"文件太大，{too_big}")
    return data


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


# Files under content/ that are not read as content, on purpose (docs/editing.md):
# hidden files (.gitkeep, .DS_Store) and what editors leave beside a file being edited.
IGNORED_NAMES = re.compile(r"^(\.|#)|(~|\.swp|\.swx|\.tmp|\.bak)$")
# Read by other parts of the build: the schemas, the Markdown pages, the data
# model's notes, the copies of source documents (sitegen/sources.py).
OTHER_CONTENT = ("schema/*.schema.json", "pages/*.md", "lists/README.md")
SOURCE_COPIES = (".pdf", ".docx", ".txt")


def inventory(content_dir: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """Every list file (content/lists/<region>/<name>.yaml and its history/
    folder) and a problem for every file under content/ that no stage reads, so
    a list saved as .yml, or one folder too high, is never silently left out."""
    lists_dir = content_dir / "lists"
    known = {content_dir / "site.yaml", lists_dir / "regions.yaml", lists_dir / "certificates.yaml"}
    known.update(p for pattern in OTHER_CONTENT for p in content_dir.glob(pattern))
    found, problems = [], []
    seen: set[tuple[int, int]] = set()  # folders already walked: a symlink loop is walked once
    for folder, dirs, files in os.walk(content_dir, followlinks=True):
        here = Path(folder)
        st = os.stat(here)
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not IGNORED_NAMES.search(d))
        for name in dirs:
            if name.lower().endswith((".yaml", ".yml")):
                problems.append(Problem(shown_path(here / name, root), 1, 1, "", FOLDER_NAMED_YAML))
        for name in sorted(files):
            path = here / name
            if IGNORED_NAMES.search(name) or path in known:
                continue
            rel = path.relative_to(content_dir).parts
            if len(rel) == 2 and rel[0] == "sources" and path.suffix.lower() in SOURCE_COPIES:
                continue
            if _is_list_path(rel):
                found.append(path)
            else:
                problems.append(Problem(shown_path(path, root), 1, 1, "", _unexpected(rel)))
    return sorted(found), problems


def _is_list_path(rel: tuple[str, ...]) -> bool:
    """lists/<region>/<name>.yaml or lists/<region>/history/<name>.yaml."""
    in_region = len(rel) == 3 or (len(rel) == 4 and rel[2] == "history")
    return rel[0] == "lists" and rel[-1].endswith(".yaml") and in_region


def _unexpected(rel: tuple[str, ...]) -> str:
    name = rel[-1]
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in ("yml", "yaml") and ext != "yaml":
        return f"文件名要以 .yaml 结尾（小写），这个文件不会被读取：请改名为 {stem}.yaml (rename to {stem}.yaml)"
    if name.endswith(".yaml") and rel[0] == "lists" and len(rel) == 2:
        return f"清单文件要放在地区文件夹里：content/lists/<地区 id>/{name}；直接放在 lists/ 下的只有 regions.yaml 和 certificates.yaml (a list belongs in its region's folder)"
    if name.endswith(".yaml"):
        return "这个位置的 .yaml 文件不会被读取：清单放在 content/lists/<地区 id>/，历史版本放在 content/lists/<地区 id>/history/ (not a place the build reads)"
    if rel[0] == "sources":
        return "content/sources/ 只放来源文件的副本（PDF、DOCX 或 TXT），直接放在这个文件夹里 (source copies are .pdf, .docx or .txt directly in content/sources/)"
    return "content/ 里不认识这个文件，它不会被读取：表格请用 make import 导入后删除，其他文件请移出 content/ (unexpected file in content/)"


def load(content_dir: Path, root: Path) -> Loaded:
    """Read content/site.yaml, content/lists/regions.yaml, certificates.yaml and
    every list file (those in a history/ folder as earlier versions of a list);
    any other file under content/ is a problem."""
    problems: list[Problem] = []

    def one(path: Path) -> Document | None:
        if not path.exists():
            problems.append(Problem(shown_path(path, root), 1, 1, "", "缺少这个文件 (file missing)"))
            return None
        doc, found = read_file(path, root)
        problems.extend(found)
        return doc

    lists_dir = content_dir / "lists"
    site = one(content_dir / "site.yaml")
    regions = one(lists_dir / "regions.yaml")
    certificates = one(lists_dir / "certificates.yaml")
    list_docs, unreadable, history = [], [], []
    paths, strays = inventory(content_dir, root)
    problems.extend(strays)
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
