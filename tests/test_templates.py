"""Templates only display (GOV.UK Frontend's habit): the Python side decides
what a page says, which variant it shows and where its links point. Each
template is parsed with Jinja2 itself and its syntax tree searched for the
ways a decision crept in before: a comparison (with a status string such as
"不予出具", or of two fields), a lookup by position (``breadcrumbs[-1]``,
``feeds[0]``), a file name written into the markup (``qr.svg``), a link put
together from pieces (``tel:{{ n }}``, ``{{ page.root }}search/``) and a
document's 文号 typed into the markup instead of read from its list."""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from sitegen.render import TEMPLATES, environment

pytestmark = pytest.mark.fast  # in `make test-fast`

DISPLAY_TEMPLATES = sorted(TEMPLATES.rglob("*.html"))


def decisions(source: str, env: jinja2.Environment) -> list[str]:
    """Every decision in a template's syntax tree, as a short description."""
    found = []
    tree = env.parse(source)
    for node in tree.find_all(nodes.Compare):
        found.append(f"line {node.lineno}: compares values")
    for node in tree.find_all(nodes.Getitem):
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, int):
            found.append(f"line {node.lineno}: looks up by position [{node.arg.value}]")
    for node in tree.find_all(nodes.Neg):
        if isinstance(node.node, nodes.Const):
            found.append(f"line {node.lineno}: looks up by position")
    for node in tree.find_all(nodes.TemplateData):
        for name in ("qr.svg", ".png", "index.html"):
            if name in node.data:
                found.append(f"line {node.lineno}: names a file ({name})")
    for node in tree.find_all(nodes.TemplateData):
        for number in re.findall(r"\w+〔\d{4}〕\d+号", node.data):
            found.append(f"line {node.lineno}: writes a document's 文号 ({number})")
    for node in tree.find_all(nodes.Output):
        found += [f"line {node.lineno}: builds a link ({value})" for value in built_links(node.nodes)]
    return found


def built_links(parts: list[nodes.Node]) -> list[str]:
    """Each href/src/action value made of more than one field, or of a field and
    written text ("tel:{{ n }}", "{{ root }}search/"); "#{{ anchor }}" is a place on the page."""
    built, value = [], None  # value: the pieces of the attribute being read, None outside one
    for part in parts:
        if not isinstance(part, nodes.TemplateData):
            if value is not None:
                value.append("{{ }}")
            continue
        text = part.data
        if value is not None:
            end = text.find('"')
            if end < 0:
                value.append(text)
                continue
            value += [text[:end]] if end else []
            fields = value.count("{{ }}")
            if fields > 1 or fields == 1 and len(value) > 1 and value[0] != "#":
                built.append("".join(value))
            text, value = text[end + 1 :], None
        opened = re.search(r'(?:href|src|action)="([^"]*)$', text)
        if opened:
            value = [opened.group(1)] if opened.group(1) else []
    return built


def test_the_search_finds_each_kind_of_decision():
    env = environment()
    cases = {
        '{% if body.kind == "不予出具" %}x{% endif %}': "compares values",
        "{% if row.name != body.name %}x{% endif %}": "compares values",
        "{{ page.breadcrumbs[-1].href }}": "looks up by position",
        "{{ body.feeds[0].href }}": "looks up by position [0]",
        '<img src="qr.svg">': "names a file (qr.svg)",
        '<a href="tel:{{ site.hotline.number }}">': "builds a link (tel:{{ }})",
        "<h2>全国不予出具清单（民发〔2020〕20号）</h2>": "writes a document's 文号 (民发〔2020〕20号)",
        '<a href="{{ page.root }}search/">': "builds a link ({{ }}search/)",
        '<a href="{{ page.root }}{{ link.url }}">': "builds a link ({{ }}{{ }})",
    }
    for source, expected in cases.items():
        assert any(expected in d for d in decisions(source, env)), source
    assert decisions('{% if body.not_issued %}<img src="{{ body.qr }}">{% endif %}', env) == []
    assert decisions('<a href="{{ link.href }}">x</a> <a href="#{{ anchor }}">y</a> <a href="#main">z</a>', env) == []


@pytest.mark.parametrize("path", DISPLAY_TEMPLATES, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_template_only_displays(path: Path):
    assert DISPLAY_TEMPLATES, "no templates found"
    found = decisions(path.read_text(encoding="utf-8"), environment())
    assert not found, f"{path.relative_to(TEMPLATES)}: " + "; ".join(found)
