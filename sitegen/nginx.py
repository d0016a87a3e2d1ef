"""Serving site/ with one's own nginx: ``make nginx-config [PORT=8080]`` prints a
``server`` block from the rules of sitegen/hosting.py, and ``make precompress``
writes a ``.gz`` beside each text file for ``gzip_static`` (docs/deploy.md).
Precompressing walks site/ through descriptors, so a build swapped in meanwhile cannot mix in.
"""
from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

from . import hosting

MIN_BYTES = 512  # smaller files gain too little from compression


def _location(regex: str, cache: str, extra: str = "") -> str:
    return f'    location ~ "{regex}" {{\n{extra}{_headers(cache)}    }}\n'


def _headers(cache: str) -> str:
    # add_header in a location replaces every inherited one, so each location repeats all
    return (f'        add_header Cache-Control "{cache}" always;\n'
            f'        add_header Content-Security-Policy "{hosting.CSP}" always;\n'
            "        add_header X-Content-Type-Options nosniff always;\n")


def server_block(site: Path, port: int) -> str:
    site = Path(site).resolve()
    extensions: dict[str, list[str]] = {}
    for ext, kind in hosting.TYPES.items():
        extensions.setdefault(kind, []).append(ext)
    types = "".join(f"        {kind} {' '.join(exts)};\n" for kind, exts in extensions.items())
    text = " ".join(t for t in hosting.TEXT_TYPES if t != "text/html")
    immutable = "|".join(r.pattern for r in hosting.RULES if r.cache == hosting.IMMUTABLE)
    return (
        "# 社区证明事项清单查询: made by `make nginx-config` from sitegen/hosting.py (docs/deploy.md)\n"
        "server {\n"
        f"    listen {port};\n"
        "    server_name _;\n"
        f'    root "{site}";\n'
        "    index index.html;\n"
        "    autoindex off;\n"
        "    absolute_redirect off;\n"
        "    server_tokens off;\n"
        "    types {\n"
        f"{types}"
        "    }\n"
        "    default_type application/octet-stream;\n"
        "    charset utf-8;\n"
        f"    charset_types {text};\n"
        "    gzip_static on;\n"
        "    gzip on;\n"
        "    gzip_vary on;\n"
        f"    gzip_min_length {MIN_BYTES};\n"
        f"    gzip_types {text};\n"
        "    # a missing page, and a folder without a page (no listings), get the site's 404 page\n"
        "    error_page 403 404 =404 /404.html;\n"
        "\n"
        "    location / {\n"
        f"{_headers(hosting.REVALIDATE)}"
        "    }\n"
        '    location ~ "/\\." {\n'
        "        return 404;\n"
        "    }\n"
        + _location(f"^/(?:{immutable})$", hosting.IMMUTABLE)
        + _location("^/(?:.*/)?feed\\.xml$", hosting.REVALIDATE, f"        types {{ }}\n        default_type {hosting.FEED_TYPE};\n")
        + "}\n"
    )


def precompress(site: Path, minimum: int = MIN_BYTES) -> int:
    """Write ``<file>.gz`` beside each text file of at least ``minimum`` bytes
    that has none yet; return how many were written."""
    written = 0
    for _folder, _dirs, files, dirfd in os.fwalk(site):
        for name in files:
            if name.startswith(".") or not hosting.published(name) or hosting.media_type(name) not in hosting.TEXT_TYPES:
                continue
            gz = name + hosting.PRECOMPRESSED
            if os.stat(name, dir_fd=dirfd).st_size < minimum or os.access(gz, os.F_OK, dir_fd=dirfd):
                continue
            with os.fdopen(os.open(name, os.O_RDONLY, dir_fd=dirfd), "rb") as f:
                data = gzip.compress(f.read(), compresslevel=9, mtime=0)
            scratch = f".{name}.{os.getpid()}.tmp"
            with os.fdopen(os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=dirfd), "wb") as f:
                f.write(data)
            os.replace(scratch, gz, src_dir_fd=dirfd, dst_dir_fd=dirfd)
            written += 1
    return written


def add_arguments(config_parser, precompress_parser) -> None:
    config_parser.add_argument("--port", type=int, default=8080, help="nginx 监听的端口（默认 8080）")


def config_command(args, site: Path) -> int:
    if not (site / "index.html").is_file():
        print(f"注意：{site} 还不是生成好的网站，请先运行 make site", file=sys.stderr)
    print(server_block(site, args.port), end="")
    return 0


def precompress_command(args, site: Path) -> int:
    if not (site / "index.html").is_file():
        print(f"{site}：不是生成好的网站（没有 index.html），请先运行 make site", file=sys.stderr)
        return 1
    print(f"已压缩 {precompress(site)} 个文件（.gz，供 nginx gzip_static 使用）")
    return 0
