#!/usr/bin/env python3
"""Search quality: resident queries through the real search page in headless Chromium.

    .venv/bin/python bench/search_quality.py                 build content/ into a temp folder, run the queries below
    .venv/bin/python bench/search_quality.py --site site     use an already built site
    .venv/bin/python bench/search_quality.py --queries FILE  another query set (TSV: query, region full name or empty, expected)
    .venv/bin/python bench/search_quality.py --raw           plain Pagefind (no query handling, no names), for comparison
    .venv/bin/python bench/search_quality.py --pagefind-python /tmp/pf14/bin/python
                                                            re-index with another Pagefind install before running

Each query is typed into search/ (region chosen in the region menu when given) and
the result links are read from the page, exactly as a resident would see them.
"expected" is a certificate id (any region's page counts when no region is given)
or region-id/certificate-id. Prints top-1 / top-3, every miss with what came
first, and the bytes the server sent for a first query on a fresh browser
(page, script, names, Pagefind), with text files gzip'd as a production server does.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
BASE = "/any/base/"  # the site is served below a sub-path, as it may be in production

PZH, CQ, YB, QG = "四川省攀枝花市", "重庆市", "重庆市渝北区", "全国"

# (what a resident types, region chosen in the menu or "", expected page)
QUERIES: list[tuple[str, str, str]] = [
    # what the clerk called it
    ("户口证明", "", "shenfen-xinxi"),
    ("无房证明", "", "caichan"),
    ("单身证明", "", "hunyin-zhuangkuang"),
    ("开个收入证明", "", "caichan"),
    ("良民证", "", "wu-fanzui"),
    ("养狗证明", "", "yangquan"),
    ("生存证明", "", "jianzai"),
    ("失业证明", "", "jiuye-zhuangkuang"),
    ("独生子女证明", "", "hunyu-zhuangkuang"),
    ("存款证明", "", "caichan"),
    ("未婚证明", "", "hunyin-zhuangkuang"),
    ("离婚证明", "", "hunyin-zhuangkuang"),
    ("病情证明", "", "jibing-zhuangkuang"),
    ("伤残证明", "", "canji-zhuangkuang"),
    ("档案证明", "", "geren-dangan"),
    ("继承权证明", "", "yichan-jicheng"),
    ("经营场所证明", "", "zhusuo"),
    ("户籍证明", "", "shenfen-xinxi"),
    ("父子关系证明", "", "qinshu-guanxi"),
    ("贫困证明", QG, "caichan"),
    ("无业证明", "", "jiuye-zhuangkuang"),
    ("改名证明", "", "hukou-biangeng"),
    ("去世证明", "", "siwang"),
    ("暂住证明", CQ, "juzhu"),
    ("无犯罪证明", "", "wu-fanzui"),
    # something got lost
    ("结婚证丢了", "", "zhengjian-yishi"),
    ("身份证丢了开什么证明", "", "zhengjian-yishi"),
    ("户口本丢了", "", "zhengjian-yishi"),
    ("存折丢了要社区证明吗", "", "zhengjian-yishi"),
    ("老年证掉了", "", "zhengjian-yishi"),
    ("毕业证遗失", "", "zhengjian-yishi"),
    ("婚姻登记档案丢了", CQ, "hunyin-dangan-diushi"),
    # what it is for
    ("办法律援助", PZH, "falv-yuanzhu-jingji"),
    ("申请法律援助要什么证明", CQ, "falv-yuanzhu-jingji"),
    ("领养老金要证明人还活着", "", "jianzai"),
    ("孩子上学要居住证明", CQ, "juzhu"),
    ("开店办营业执照", "", "zhusuo"),
    ("当兵政审", CQ, "zhengzhi-kaohe"),
    ("出国要无犯罪证明", "", "wu-fanzui"),
    ("老人在家去世了", "", "siwang"),
    ("农村建房", CQ, "xiangcun-jianshe"),
    ("收养孩子", YB, "shouyang"),
    ("未成年人卖房", PZH, "jianhu"),
    ("打官司要近亲属证明", PZH, "jinqinshu-susong"),
    ("申请廉租房", "", "caichan"),
    ("异地就医", CQ, "yidi-jiuyi"),
    ("养老金认证", CQ, "yanglaojin-renzheng"),
    ("住房补贴", YB, "zhufang-butie"),
    ("办狗证", "", "yangquan"),
    ("土地承包经营权证变更", CQ, "tudi-chengbao"),
    ("寒假社会实践盖章", CQ, "shehui-shijian"),
    ("办残疾证", "", "canji-zhuangkuang"),
    ("新生儿上户口", "", "chusheng"),
    # questions
    ("社区能开死亡证明吗", "", "siwang"),
    ("死亡证明去哪开", "", "siwang"),
    ("出生证明在哪里办", "", "chusheng"),
    ("居委会还给开亲属关系证明吗", "", "qinshu-guanxi"),
    ("社区可以开无犯罪记录证明吗", "", "wu-fanzui"),
    ("残疾证明怎么开", "", "canji-zhuangkuang"),
    ("住院了社区能开疾病证明吗", "", "jibing-zhuangkuang"),
    ("村委会能不能开收入证明", "", "caichan"),
    ("家里人失踪了怎么开证明", "", "renyuan-shizong"),
    ("婚姻状况证明找谁开", "", "hunyin-zhuangkuang"),
    ("有没有犯罪记录去哪查", "", "wu-fanzui"),
    # where it depends on the region
    ("门牌号", PZH, "menpai"),
    ("门牌号", CQ, "menpai"),
    ("门牌证明", YB, "menpai"),
    ("攀枝花门牌号变更证明", "", "panzhihua/menpai"),
    ("重庆 门牌号", "", "chongqing/menpai"),
    ("经济困难证明", PZH, "falv-yuanzhu-jingji"),
    ("经济困难证明", QG, "caichan"),
    ("攀枝花经济困难证明", "", "panzhihua/falv-yuanzhu-jingji"),
    ("公证用的亲属关系证明", CQ, "qinshu-budongchan-gongzheng"),
    ("同一人证明", CQ, "hukou-biangeng"),
    ("查无此人", CQ, "renyuan-shizong"),
    ("农民工证明", CQ, "wugong"),
    ("家庭情况证明", CQ, "jiating-qingkuang"),
    ("社区矫正居住地证明", CQ, "fuxing-juzhudi"),
    ("指定监护人", PZH, "zhiding-jianhuren"),
    ("社区推荐代理", PZH, "shequ-tuijian-daili"),
    ("住改商", "", "zhusuo"),
    ("戒毒表现证明", "", "jiedu-kangfu"),
    ("二胎生育证明", "", "hunyu-zhuangkuang"),
    ("没有工作证明", "陕西省", "jiuye-zhuangkuang"),
    ("车辆证明", "广西壮族自治区", "caichan"),
    ("同意经营证明", PZH, "jingying-huodong"),
    # half typed
    ("无房", "", "caichan"),
    ("死亡", "", "siwang"),
]


# ------------------------------------------------------------------ serving


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent: list[tuple[str, int]] = []

    def add(self, path: str, n: int) -> None:
        with self.lock:
            self.sent.append((path, n))

    def reset(self) -> None:
        with self.lock:
            self.sent = []

    def total(self) -> int:
        with self.lock:
            return sum(n for _, n in self.sent)


GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files below BASE, gzip for text when the browser asks, bytes counted."""

    counter: Counter
    base: str

    def log_message(self, *args):  # quiet
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def translate_path(self, path):
        path = urlsplit(path).path
        if not path.startswith(self.base):
            return str(Path(self.directory) / "__outside_base__")
        return super().translate_path("/" + path[len(self.base):])

    def do_GET(self):
        path = self.translate_path(self.path)
        if Path(path).is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().do_GET()
            path = str(Path(path) / "index.html")
        ctype = self.guess_type(path)
        if not Path(path).is_file():
            self.send_error(404)
            return
        body = Path(path).read_bytes()
        zipped = "gzip" in self.headers.get("Accept-Encoding", "") and ctype.startswith(GZIP_TYPES)
        if zipped:
            body = gzip.compress(body, 6)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.counter.add(unquote(urlsplit(self.path).path), len(body))


Handler.extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "application/javascript", ".json": "application/json", ".pagefind": "application/wasm", ".pf_meta": "application/octet-stream", ".pf_index": "application/octet-stream", ".pf_fragment": "application/octet-stream", ".pf_filter": "application/octet-stream"}


class Served:
    """A built site on 127.0.0.1 below BASE; use as a context manager."""

    def __init__(self, site: Path, base: str = BASE):
        self.counter = Counter()
        handler = type("H", (Handler,), {"counter": self.counter, "base": base})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
        self.url = f"http://127.0.0.1:{self.server.server_port}{base}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def launch(playwright):
    """Debian's Chromium; Playwright gives every launch a fresh temporary profile."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


# ------------------------------------------------------------------ the search page, driven


def search_url(base_url: str, query: str = "", region: str = "") -> str:
    params = []
    if query:
        params.append("q=" + quote(query))
    if region:
        params.append("region=" + quote(region))
    return base_url + "search/" + ("?" + "&".join(params) if params else "")


def wait_done(page, query: str) -> None:
    page.wait_for_function("q => { const r = document.getElementById('results'); return r.dataset.state === 'done' && r.dataset.query === q; }", arg=query, timeout=15000)


def result_pages(page) -> list[tuple[str, str]]:
    """(region id, certificate id) of each result, in order, from the links shown."""
    hrefs = page.eval_on_selector_all("#results li > a.rowlink__link", "els => els.map(a => a.href)")
    out = []
    for href in hrefs:
        parts = [p for p in urlsplit(href).path.split("/") if p]
        out.append((parts[-2], parts[-1]))
    return out


def type_query(page, query: str, region: str) -> list[tuple[str, str]]:
    page.select_option("#region", value=region)
    page.fill("#q", query)
    page.press("#q", "Enter")  # the 搜索 key: skips the typing pause (tests/test_search.py types key by key)
    wait_done(page, query)
    return result_pages(page)


RAW_JS = """async ([query, region]) => {
  if (!window.__pf) { window.__pf = await import(new URL('../pagefind/pagefind.js', location.href).href); await window.__pf.options({noWorker: true}); }
  const found = await window.__pf.search(query, region ? {filters: {region}} : {});
  const out = [];
  for (const r of found.results.slice(0, 10)) out.push((await r.data()).url);
  return out;
}"""


def raw_query(page, query: str, region: str) -> list[tuple[str, str]]:
    urls = page.evaluate(RAW_JS, [query, region])
    seen, out = set(), []
    for u in urls:
        parts = [p for p in u.split("/") if p]
        key = (parts[-2], parts[-1])
        if region or key[1] not in seen:  # all regions: one row per certificate, like the page
            out.append(key)
            seen.add(key[1])
    return out


def hit_rank(found: list[tuple[str, str]], expected: str) -> int | None:
    region, _, cert = expected.rpartition("/")
    for i, (r, c) in enumerate(found):
        if c == cert and (not region or r == region):
            return i + 1
    return None


def first_query_bytes(browser, served: Served, query: str, region: str) -> tuple[int, dict[str, int]]:
    """Bytes sent for opening search/?q=… on an empty cache, until results are final."""
    context = browser.new_context()
    page = context.new_page()
    served.counter.reset()
    page.goto(search_url(served.url, query, region))
    wait_done(page, query)
    time.sleep(0.2)
    by_kind: dict[str, int] = {}
    for path, n in served.counter.sent:
        kind = "pagefind" if "/pagefind/" in path else ("names.json" if path.endswith("names.json") else "page, css, search.js")
        by_kind[kind] = by_kind.get(kind, 0) + n
    context.close()
    return served.counter.total(), by_kind


def read_queries(path: Path) -> list[tuple[str, str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3:
            raise SystemExit(f"{path}: expected 3 tab-separated columns (query, region, expected): {line!r}")
        out.append((cols[0], cols[1].strip(), cols[2].strip()))
    return out


NO_WASM = "delete window.WebAssembly;"  # what an old WeChat browser lacks: search.js falls back to names only


def bytes_per_query(site: Path, queries: list[tuple[str, str, str]]) -> list[tuple[int, str]]:
    """Every query as a first query on an empty cache: (bytes sent, query), largest first."""
    from playwright.sync_api import sync_playwright

    with Served(site) as served, sync_playwright() as p:
        browser = launch(p)
        out = [(first_query_bytes(browser, served, q, r)[0], q) for q, r, _ in queries]
        browser.close()
    return sorted(out, reverse=True)


def run(site: Path, queries: list[tuple[str, str, str]], raw: bool = False, names_only: bool = False, browser=None) -> dict:
    """Type every query into the served site's search page; ``browser``: an open
    Playwright browser to reuse (default: launch Debian's Chromium)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = launch(p)
            try:
                return run(site, queries, raw, names_only, own)
            finally:
                own.close()
    with Served(site) as served:
        total, by_kind = first_query_bytes(browser, served, queries[0][0], queries[0][1]) if not raw else (0, {})
        context = browser.new_context()
        page = context.new_page()
        if names_only:
            page.add_init_script(NO_WASM)
        page.goto(search_url(served.url))
        page.wait_for_function("() => document.getElementById('results').dataset.state === 'done'")
        rows = []
        for query, region, expected in queries:
            found = raw_query(page, query, region) if raw else type_query(page, query, region)
            rows.append((query, region, expected, hit_rank(found, expected), found[:3], len(found)))
        context.close()
    n = len(rows)
    return {
        "rows": rows,
        "top1": sum(1 for r in rows if r[3] == 1) / n,
        "top3": sum(1 for r in rows if r[3] and r[3] <= 3) / n,
        "found": sum(1 for r in rows if r[3]) / n,  # anywhere in the (up to 10) results shown
        "empty": sum(1 for r in rows if not r[5]),
        "first_query_bytes": total,
        "first_query_by_kind": by_kind,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="a built site (default: build content/ into a temp folder)")
    parser.add_argument("--queries", type=Path, help="TSV file: query, region full name (or empty), expected")
    parser.add_argument("--raw", action="store_true", help="plain Pagefind on the raw query instead of the search page")
    parser.add_argument("--names-only", action="store_true", help="browser without WebAssembly: names.json only, no Pagefind")
    parser.add_argument("--pagefind-python", help="python of another venv with pagefind installed: re-index with it")
    parser.add_argument("--bytes-all", action="store_true", help="also measure every query as a first query (slow)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    queries = read_queries(args.queries) if args.queries else QUERIES
    tmp = None
    site = args.site
    if site is None or args.pagefind_python:
        tmp = Path(tempfile.mkdtemp(prefix="search-bench-"))
        if site is None:
            sys.path.insert(0, str(ROOT))
            from build import build

            site = tmp / "site"
            build(ROOT / "content", site)
        else:
            shutil.copytree(site, tmp / "site")
            site = tmp / "site"
    try:
        if args.pagefind_python:
            shutil.rmtree(site / "pagefind")
            subprocess.run([args.pagefind_python, "-m", "pagefind", "--site", str(site), "--quiet"], check=True)
        version = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))["version"]
        result = run(site, queries, raw=args.raw, names_only=args.names_only)
        if args.bytes_all:
            result["bytes_all"] = bytes_per_query(site, queries)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "rows"} | {"pagefind": version, "queries": len(queries), "misses": [r for r in result["rows"] if r[3] != 1]}, ensure_ascii=False))
        return 0
    mode = "plain Pagefind on the raw query" if args.raw else ("search page without WebAssembly (names only)" if args.names_only else "search page (names + Pagefind)")
    print(f"Pagefind {version}, {mode}, {len(queries)} queries")
    for query, region, expected, rank, found, _ in result["rows"]:
        if rank != 1:
            got = ", ".join("/".join(f) for f in found) or "nothing"
            print(f"  {'top-3' if rank and rank <= 3 else 'MISS '} {query!r} [{region or '全部地区'}] expected {expected}, rank {rank or '-'}; got {got}")
    print(f"top-1 {result['top1']:.1%}  top-3 {result['top3']:.1%}  in results at all {result['found']:.1%}  queries with no result {result['empty']}")
    if not args.raw:
        kinds = ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sorted(result["first_query_by_kind"].items()))
        print(f"first query {queries[0][0]!r}: {result['first_query_bytes'] / 1024:.1f} KB sent ({kinds})")
    if "bytes_all" in result:
        sizes = [n for n, _ in result["bytes_all"]]
        worst = ", ".join(f"{q!r} {n / 1024:.1f} KB" for n, q in result["bytes_all"][:3])
        print(f"every query as a first query: median {sorted(sizes)[len(sizes) // 2] / 1024:.1f} KB, largest {worst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
