"""Each page's Content-Security-Policy allows only what that page uses:
scripts, WebAssembly and fetches only on pages that run a script, a frame only
where there is one, a form's target only where there is a form, no data: images,
nothing from other hosts."""
from __future__ import annotations

from bs4 import BeautifulSoup


def policy(page: BeautifulSoup) -> dict[str, list[str]]:
    meta = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None
    out = {}
    for part in meta["content"].split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def runs_script(page: BeautifulSoup) -> bool:
    return any(s.get("type", "text/javascript") in ("module", "text/javascript") for s in page.find_all("script"))


def test_every_page_allows_only_what_it_uses(built_site):
    pages = sorted(built_site.rglob("*.html"))
    with_scripts = 0
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        csp = policy(page)
        rel = path.relative_to(built_site).as_posix()
        assert csp["default-src"] == ["'none'"], rel
        assert all(v in ("'self'", "'none'", "'wasm-unsafe-eval'") for values in csp.values() for v in values), (rel, csp)
        if runs_script(page):
            with_scripts += 1
            assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"] and csp["connect-src"] == ["'self'"], rel
        else:
            assert "script-src" not in csp and "connect-src" not in csp, rel
        assert csp.get("frame-src") == (["'self'"] if page.find("iframe") else None), rel
        assert csp["form-action"] == (["'self'"] if page.find("form") else ["'none'"]), rel
        assert csp["base-uri"] == ["'none'"]
    assert with_scripts, "no page runs a script: the search page is missing"
    assert "frame-src" in policy(BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser"))
