"""Make Pagefind's output byte-identical between builds of the same content.

Pagefind 1.5 writes filter indexes and the meta file (gzip'd "pagefind_dcd" +
CBOR) with values in hash-map order: they are sorted and renamed after their
new hash (same name lengths). cbor2 writes, as Pagefind does, minimal-length
heads and definite lengths; the meta is checked to re-encode to its own bytes.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json

import cbor2

SIGNATURE = b"pagefind_dcd"


def decode_data_file(data: bytes, name: str):
    """The value a Pagefind data file (gzip'd "pagefind_dcd" + CBOR) holds."""
    stream = io.BytesIO(gzip.decompress(data))
    if stream.read(len(SIGNATURE)) != SIGNATURE:
        raise ValueError(f"{name} is not a Pagefind data file")
    value = cbor2.CBORDecoder(stream).decode()
    if stream.read(1):
        raise ValueError(f"trailing bytes in {name}")
    return value


def _rehashed(lang: str, old_hash: str, payload: bytes) -> str:
    """The name Pagefind would give ``payload``: ``lang``_ and its hash, as long as ``old_hash``."""
    return f"{lang}_" + hashlib.sha256(payload).hexdigest()[: len(old_hash) - len(lang) - 1]


def _data_file(payload: bytes) -> bytes:
    return gzip.compress(payload, compresslevel=9, mtime=0)


def stabilise_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """One bundle's files (relative path → bytes, as Pagefind's service returns them)
    with the filter and meta files replaced by sorted ones under their new names."""
    out = dict(files)
    entry = json.loads(out["pagefind-entry.json"].decode("utf-8"))
    for lang, info in entry["languages"].items():
        meta_raw = gzip.decompress(out.pop(f"pagefind.{info['hash']}.pf_meta"))
        for path in sorted(p for p in files if p.startswith(f"filter/{lang}_") and p.endswith(".pf_filter")):
            name, values = decode_data_file(out.pop(path), path)
            payload = SIGNATURE + cbor2.dumps([name, sorted(values, key=lambda pair: pair[0])])
            old_hash = path[len("filter/") : -len(".pf_filter")]
            new_hash = _rehashed(lang, old_hash, payload)
            out[f"filter/{new_hash}.pf_filter"] = _data_file(payload)
            meta_raw = meta_raw.replace(old_hash.encode(), new_hash.encode())
        meta = cbor2.loads(meta_raw[len(SIGNATURE) :])  # its filter and sort lists are in hash-map order too
        if SIGNATURE + cbor2.dumps(meta) != meta_raw:
            raise ValueError("unexpected Pagefind meta layout; cannot make it stable")
        version, pages, chunks, filters, sorts, fields = meta
        meta_raw = SIGNATURE + cbor2.dumps([version, pages, chunks, sorted(filters), sorted(sorts), fields])
        info["hash"] = _rehashed(lang, info["hash"], meta_raw)
        out[f"pagefind.{info['hash']}.pf_meta"] = _data_file(meta_raw)
    out["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return out
