"""Templates only display (GOV.UK Frontend's habit): the Python side decides
what a page says, which variant it shows and where its links point. Each
template is parsed with Jinja2 itself and its syntax tree searched for the
three ways a decision crept in before: a comparison (with a status string
such as "不予出具", or of two fields), a lookup by position (``breadcrumbs[-1]``,
``feeds[0]``) and a file name written into the markup (``qr.svg``)."""
from __future__ import annotations

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
    return found


def test_the_search_finds_each_kind_of_decision():
    env = environment()
    cases = {
        '{% if body.kind == "不予出具" %}x{% endif %}': "compares values",
        "{% if row.name != body.name %}x{% endif %}": "compares values",
        "{{ page.breadcrumbs[-1].href }}": "looks up by position",
        "{{ body.feeds[0].href }}": "looks up by position [0]",
        '<img src="qr.svg">': "names a file (qr.svg)",
    }
    for source, expected in cases.items():
        assert any(expected in d for d in decisions(source, env)), source
    assert decisions('{% if body.not_issued %}<img src="{{ body.qr }}">{% endif %}', env) == []


@pytest.mark.parametrize("path", DISPLAY_TEMPLATES, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_template_only_displays(path: Path):
    assert DISPLAY_TEMPLATES, "no templates found"
    found = decisions(path.read_text(encoding="utf-8"), environment())
    assert not found, f"{path.relative_to(TEMPLATES)}: " + "; ".join(found)
