"""Make Pagefind's output byte-identical between builds of the same content.

Pagefind 1.5 writes filter indexes and the meta file (gzip'd "pagefind_dcd" +
CBOR) with values in hash-map order: they are sorted and renamed after their
new hash (same name lengths). Only the CBOR kinds Pagefind writes are handled.
"""
from __future__ import annotations

import gzip
import hashlib
import json

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
    """The CBOR value at ``data[i]`` and the index after it."""
    major, ai = data[i] >> 5, data[i] & 31
    if ai >= 28:
        raise ValueError(f"unsupported CBOR item 0x{data[i]:02x}")
    size = 0 if ai < 24 else 1 << (ai - 24)
    n = ai if ai < 24 else int.from_bytes(data[i + 1 : i + 1 + size], "big")
    i += 1 + size
    if major == 0:
        return n, i
    if major in (2, 3):
        raw = data[i : i + n]
        return (raw if major == 2 else raw.decode("utf-8")), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = decode(data, i)
            items.append(item)
        return items, i
    if major == 5:
        obj = {}
        for _ in range(n):
            key, i = decode(data, i)
            obj[key], i = decode(data, i)
        return obj, i
    raise ValueError(f"unsupported CBOR major type {major}")


def decode_data_file(data: bytes, name: str):
    """The value a Pagefind data file (gzip'd "pagefind_dcd" + CBOR) holds."""
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError(f"{name} is not a Pagefind data file")
    value, end = decode(raw, len(SIGNATURE))
    assert end == len(raw), f"trailing bytes in {name}"
    return value


def stabilise_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """One bundle's files (relative path → bytes, as Pagefind's service returns them)
    with the filter and meta files replaced by sorted ones under their new names."""
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
            out[f"filter/{new_hash}.pf_filter"] = gzip.compress(payload, compresslevel=9, mtime=0)
            meta_raw = meta_raw.replace(old_hash.encode(), new_hash.encode())
        meta, end = decode(meta_raw, len(SIGNATURE))  # its filter and sort lists are in hash-map order too
        if end != len(meta_raw) or SIGNATURE + encode(meta) != meta_raw:
            raise ValueError("unexpected Pagefind meta layout; cannot make it stable")
        version, pages, chunks, filters, sorts, fields = meta
        meta_raw = SIGNATURE + encode([version, pages, chunks, sorted(filters), sorted(sorts), fields])
        new_meta_hash = f"{lang}_" + hashlib.sha256(meta_raw).hexdigest()[: len(info["hash"]) - len(lang) - 1]
        out[f"pagefind.{new_meta_hash}.pf_meta"] = gzip.compress(meta_raw, compresslevel=9, mtime=0)
        info["hash"] = new_meta_hash
    out["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return out

