"""GOV.UK-Frontend-style: every component's named examples (templates/components/
<name>.yaml) are rendered, including an 'html as text' case that must come out escaped."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sitegen.pages import Link
from sitegen.render import TEMPLATES, environment

pytestmark = pytest.mark.fast  # in `make test-fast`

COMPONENTS = sorted(p.stem for p in (TEMPLATES / "components").glob("*.yaml"))


def examples():
    for name in COMPONENTS:
        spec = yaml.safe_load((TEMPLATES / "components" / f"{name}.yaml").read_text(encoding="utf-8"))
        for example in spec["examples"]:
            yield pytest.param(name, spec, example, id=f"{name}: {example['name']}")


def render(name: str, params: dict, **flags) -> str:
    env = environment()
    macro = getattr(env.get_template(f"components/{name}.html").module, name)
    return str(macro(params, **flags))


def test_every_component_has_examples_and_an_escaping_case():
    assert COMPONENTS, "no components found"
    for name in COMPONENTS:
        assert (TEMPLATES / "components" / f"{name}.html").exists()
        spec = yaml.safe_load((TEMPLATES / "components" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert any(e["name"] == "html as text" for e in spec["examples"]), name


@pytest.mark.parametrize("name,spec,example", list(examples()))
def test_component_example(name, spec, example):
    assert set(example["params"]) == set(spec["params"]), "example must give every documented param"
    html = render(name, example["params"], **example.get("flags", {}))  # e.g. compact=True
    for expected in example.get("expect", []):
        assert expected in html, f"{expected!r} not in {html}"
    for forbidden in example.get("forbid", []):
        assert forbidden not in html, f"{forbidden!r} in {html}"


def test_components_are_used_by_pages():
    pages = "".join(p.read_text(encoding="utf-8") for p in Path(TEMPLATES).glob("*.html"))
    # rowlink is shown through ``rowlinks(links)`` (sitegen/render.py), which
    # renders the component once per distinct link and reuses it
    used = pages.replace("rowlinks(", 'components/rowlink.html rowlinks(')
    for name in COMPONENTS:
        assert f'components/{name}.html' in used, f"{name} is not used by any page template"


def test_rowlinks_is_the_rowlink_component():
    """``rowlinks`` gives exactly what the component gives, link after link."""
    env = environment()
    links = [Link("a/", "出生证明", note="卫生健康部门", status="not-issued", status_text="社区不予出具"), Link("<b>/", "<i>x</i>")]
    macro = env.get_template("components/rowlink.html").module.rowlink
    expected = "".join(str(macro(link)) for link in links)
    assert str(env.globals["rowlinks"](links)) == expected
    assert str(env.globals["rowlinks"](links + links)) == expected * 2  # the second time from memory
    assert "<i>" not in expected and "&lt;i&gt;" in expected
