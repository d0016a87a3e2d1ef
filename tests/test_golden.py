"""The golden site (Pelican's functional test): a small, fixed content folder
(tests/golden/content/) built fresh must equal the committed expected site
(tests/golden/expected/) byte for byte. After an intended change to what the
site says or how it is made, run `make golden` and read the diff it leaves in
git before committing it."""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

import build as build_module
from conftest import ROOT, tree_digest
from sitegen import pdfcache

pytestmark = pytest.mark.fast  # in `make test-fast`

GOLDEN = ROOT / "tests" / "golden"
TEXT = {".html", ".css", ".js", ".json", ".xml", ".csv", ".svg", ".txt", ".md", ".webmanifest", ""}


def _text_diff(expected: Path, actual: Path, rel: str, lines: int = 40) -> str:
    if Path(rel).suffix not in TEXT:
        return f"{rel}: binary file differs"
    old = expected.read_text(encoding="utf-8", errors="replace").splitlines()
    new = actual.read_text(encoding="utf-8", errors="replace").splitlines()
    diff = list(difflib.unified_diff(old, new, f"expected/{rel}", f"built/{rel}", lineterm="", n=1))
    return "\n".join(diff[:lines])


def golden_difference(expected: Path, built: Path) -> str:
    """'' when the trees are equal, else what a reviewer needs to see."""
    want, got = tree_digest(expected), tree_digest(built)
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    changed = sorted(p for p in set(want) & set(got) if want[p] != got[p])
    if not (missing or extra or changed):
        return ""
    report = [f"built site differs from tests/golden/expected: {len(missing)} missing, {len(extra)} new, {len(changed)} changed"]
    report += [f"missing: {p}" for p in missing[:20]] + [f"new: {p}" for p in extra[:20]]
    report += [_text_diff(expected / p, built / p, p) for p in changed[:3]]
    report.append("If the change is intended: make golden, then review `git diff tests/golden/expected`.")
    return "\n".join(report)


def test_fresh_build_equals_the_committed_golden_site(tmp_path, monkeypatch):
    monkeypatch.setenv(pdfcache.FOLDER_ENV, str(tmp_path / "no-pdf-cache"))  # as `make golden`: none of make posters' PDFs
    built = tmp_path / "site"
    build_module.build(GOLDEN / "content", built)
    difference = golden_difference(GOLDEN / "expected", built)
    assert not difference, difference


def test_a_template_change_shows_in_the_golden_diff(tmp_path):
    """The comparison is not blind: one changed word in a page is reported."""
    built = tmp_path / "site"
    shutil.copytree(GOLDEN / "expected", built)  # what the build above is proved to make
    page = built / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>改动</p></main>", 1), encoding="utf-8")
    difference = golden_difference(GOLDEN / "expected", built)
    assert "0 missing, 0 new, 1 changed" in difference
    assert "+<p>改动</p></main>" in difference.splitlines()
