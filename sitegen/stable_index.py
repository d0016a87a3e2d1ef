"""Make Pagefind's output byte-identical between builds of the same content.

Pagefind 1.5 writes each filter index (pagefind/filter/*.pf_filter) with its
values in hash-map order, so two runs over the same pages differ, and so do
the names that point at them (the language meta file and pagefind-entry.json).
Upstream made fragments stable in 1.3 and says filter files still vary.

The files are gzip'd "pagefind_dcd" + CBOR. Here each filter's values are
sorted, the file is rewritten and renamed after its own content hash, and the
meta file and entry JSON are updated to the new names (same lengths, so the
CBOR around them is unchanged). Only definite-length CBOR of the kinds Pagefind
writes (unsigned ints, byte and text strings, arrays, maps) is handled.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

SIGNATURE = b"pagefind_dcd"


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
    raise ValueError("CBOR length too large")


def encode(value) -> bytes:
    if isinstance(value, bool) or value is None:
        raise TypeError("unexpected CBOR simple value")
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise TypeError(f"cannot encode {type(value)}")


def decode(data: bytes, i: int = 0):
    first = data[i]
    major, ai = first >> 5, first & 31
    i += 1
    if ai < 24:
        n = ai
    elif ai in (24, 25, 26, 27):
        size = 1 << (ai - 24)
        n = int.from_bytes(data[i : i + size], "big")
        i += size
    else:
        raise ValueError(f"unsupported CBOR item 0x{first:02x}")
    if major == 0:
        return n, i
    if major in (2, 3):
        raw = data[i : i + n]
        return (raw if major == 2 else raw.decode("utf-8")), i + n
    if major == 4:
        out = []
        for _ in range(n):
            item, i = decode(data, i)
            out.append(item)
        return out, i
    if major == 5:
        obj = {}
        for _ in range(n):
            k, i = decode(data, i)
            v, i = decode(data, i)
            obj[k] = v
        return obj, i
    raise ValueError(f"unsupported CBOR major type {major}")


def read_data_file(path: Path):
    """The value a Pagefind data file (gzip'd "pagefind_dcd" + CBOR) holds."""
    return decode_data_file(path.read_bytes(), str(path))


def decode_data_file(data: bytes, name: str):
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError(f"{name} is not a Pagefind data file")
    value, end = decode(raw, len(SIGNATURE))
    assert end == len(raw), f"trailing bytes in {name}"
    return value


def _gzip(payload: bytes) -> bytes:
    return gzip.compress(payload, compresslevel=9, mtime=0)


def _sorted_meta(raw: bytes) -> bytes:
    """The language meta file lists its filter indexes ([name, file] pairs)
    and sort indexes in hash-map order too: sort both by name."""
    meta, end = decode(raw, len(SIGNATURE))
    if end != len(raw) or SIGNATURE + encode(meta) != raw:
        raise ValueError("unexpected Pagefind meta layout; cannot make it stable")
    version, pages, chunks, filters, sorts, fields = meta
    return SIGNATURE + encode([version, pages, chunks, sorted(filters), sorted(sorts), fields])


def stabilise_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """One bundle's files (path relative to the bundle folder → bytes, as
    Pagefind's service returns them), made deterministic: the filter and meta
    files are replaced by sorted ones under their new names. Done before the
    files are written, so none is written twice or deleted."""
    out = dict(files)
    entry = json.loads(out["pagefind-entry.json"].decode("utf-8"))
    for lang, info in entry["languages"].items():
        meta_raw = gzip.decompress(out.pop(f"pagefind.{info['hash']}.pf_meta"))
        for path in sorted(p for p in files if p.startswith(f"filter/{lang}_") and p.endswith(".pf_filter")):
            name, values = decode_data_file(out.pop(path), path)
            values = sorted(values, key=lambda pair: pair[0])
            payload = SIGNATURE + encode([name, values])
            old_hash = path[len("filter/") : -len(".pf_filter")]
            new_hash = f"{lang}_" + hashlib.sha256(payload).hexdigest()[: len(old_hash) - len(lang) - 1]
            out[f"filter/{new_hash}.pf_filter"] = _gzip(payload)
            meta_raw = meta_raw.replace(old_hash.encode(), new_hash.encode())
        meta_raw = _sorted_meta(meta_raw)
        new_meta_hash = f"{lang}_" + hashlib.sha256(meta_raw).hexdigest()[: len(info["hash"]) - len(lang) - 1]
        out[f"pagefind.{new_meta_hash}.pf_meta"] = _gzip(meta_raw)
        info["hash"] = new_meta_hash
    out["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return out

