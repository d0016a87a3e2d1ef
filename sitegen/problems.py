"""Problems: collected across a whole run, reported together, one line each,
``file:line:column: field: message`` with the message Chinese first. ``describe``
tells the build's other failures a user can cause (a template, the search index,
the output folder) the same way, for `make site`, `make serve` and `check` alike.
"""
from __future__ import annotations

import argparse
import errno
import os
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        """One line that starts with path:line:col: line breaks and control
        characters typed into a key or value are shown as escapes."""
        where = f"{self.path}:{self.line}:{self.column}"
        field, message = self.field.translate(_INVISIBLE), self.message.translate(_INVISIBLE)
        return f"{where}: {field}: {message}" if field else f"{where}: {message}"


_INVISIBLE = {c: f"\\x{c:02x}" for c in range(32)} | {0x7F: "\\x7f", 0x2028: "\\u2028", 0x2029: "\\u2029", 0x85: "\\x85"}


class BuildError(Exception):
    """A build stopped by what it was given; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def __reduce__(self):  # crosses from a child process whole (sitegen/forks.py)
        return type(self), (self.problems,)

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(f"共 {len(self.problems)} 个问题，网站未更新 ({len(self.problems)} problem(s); site/ left unchanged)")
        return "\n".join(lines)


class ContentError(BuildError):
    """Raised by a stage when the content has problems."""


def field_name(path: tuple) -> str:
    """('rows', 3, 'route') → 'rows[3].route'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


# ------------------------------------------------------------------ the build's other failures


def shown(path: str | Path) -> str:
    """A path as problems show it: relative to the project when inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def template_error(exc: BaseException, page: str = "") -> BuildError | None:
    """The template file and line an error raised while rendering came from,
    or None when no template is in its traceback (a fault of the program).
    Jinja2 reports a syntax error's line itself and puts the template's own
    lines into the traceback of an error while rendering."""
    import jinja2

    during = f"（生成页面 {page or '/'} 时）" if page is not None else ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = exc.filename or exc.name or "templates"
        return BuildError([Problem(shown(where), exc.lineno or 1, 1, "", f"模板语法错误{during} (template syntax error): {exc.message}")])
    frame = next((f for f in reversed(traceback.extract_tb(exc.__traceback__)) if f.filename.endswith((".html", ".xml", ".svg"))), None)
    if frame is not None:
        return BuildError([Problem(shown(frame.filename), frame.lineno or 1, 1, "", f"模板错误{during} (template error): {type(exc).__name__}: {exc}")])
    if isinstance(exc, jinja2.TemplateNotFound):
        return BuildError([Problem(shown(exc.name or "templates"), 1, 1, "", f"找不到模板{during} (template not found)")])
    return None


_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许在这里写入",
    errno.EROFS: "只读的文件系统",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.ENOTDIR: "路径中有一段是文件，不是文件夹",
    errno.EEXIST: "已有同名的文件",
    errno.ENOENT: "路径不存在",
    errno.EISDIR: "这是一个文件夹",
}


def output_error(exc: OSError, site: Path | None) -> BuildError:
    """A file the build could not write or read, named as the user named it:
    a file in the unfinished build folder (site.new-*) is shown in site/."""
    name = Path(os.fsdecode(exc.filename)) if exc.filename is not None else (site or Path("."))
    output = False
    if site is not None:
        rel = name.relative_to(site.parent).parts if name.is_relative_to(site.parent) else ()
        if rel and (rel[0] == site.name or rel[0].startswith(f"{site.name}.new-")):
            name, output = site.joinpath(*rel[1:]), True
        output = output or site.is_relative_to(name)  # a folder on the way to site/
    reason = _REASONS.get(exc.errno, "")
    english = f"{exc.strerror or exc}"
    what = "无法写入输出文件夹" if output else "无法读写"
    return BuildError([Problem(shown(name), 1, 1, "", f"{what}{'：' + reason if reason else ''} ({english})")])


def describe(exc: BaseException, site: Path | None = None) -> BuildError | None:
    """Any failure a user can cause, as problems: content, a template, the
    search index, the output folder ``site``. None for anything else, a
    fault of the program, whose traceback is the report to read."""
    from .bundles import IndexFailed  # here: the index stage imports half the build

    if isinstance(exc, BuildError):
        return exc
    if isinstance(exc, IndexFailed):
        where = shown(site / "pagefind") if site is not None else "pagefind"
        return BuildError([Problem(where, 1, 1, "", " / ".join(str(exc).splitlines()))])
    if isinstance(exc, OSError):
        return output_error(exc, site)
    return template_error(exc, page=None)


_ARGUMENT_MESSAGES = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少必须写的参数：{0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "不认识的参数：{0}"),
    (re.compile(r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)"), "参数 {0} 的值 {1} 不在可选范围内（可选：{2}）"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面要写一个值"),
    (re.compile(r"argument (\S+): invalid \S+ value: (.+)"), "参数 {0} 的值 {1} 格式不对"),
    (re.compile(r"argument (\S+): (.+)"), "参数 {0}：{1}"),
)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with a mistake on the command line told in one Chinese line
    (which argument, what is wrong, how to see the usage) instead of its
    English usage block; exit status 2 as argparse's own."""

    def error(self, message: str) -> NoReturn:
        for pattern, chinese in _ARGUMENT_MESSAGES:
            found = pattern.fullmatch(message)
            if found:
                message = chinese.format(*found.groups())
                break
        self.exit(2, f"{self.prog}: {message}（运行 {self.prog} --help 查看用法）\n")
