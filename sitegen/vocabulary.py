"""What a row's 办事途径 names, found verbatim: offices (where to go),
documents (papers to bring) and exceptions (…除外). The words are those
editors have already quoted in some list (``offices``, ``documents``,
``exceptions``), so a term is proposed only once a person has read it as one;
the import fills a new row with them for the clerk to review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# An exception in the documents' own form: a bracketed clause ending 除外.
_EXCEPTION = re.compile(r"[（(]([^（）()]{2,60}?除外)[）)]")


@dataclass(frozen=True)
class Vocabulary:
    offices: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()
    exceptions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Found:
    offices: list[str]
    documents: list[str]
    exceptions: list[str]


def of_rows(rows) -> Vocabulary:
    """The vocabulary of row mappings (as loaded from YAML, each a dict)."""
    offices, documents, exceptions = set(), set(), set()
    for r in rows:
        offices.update(v for v in r.get("offices") or () if isinstance(v, str) and v)
        documents.update(v for v in r.get("documents") or () if isinstance(v, str) and v)
        for e in r.get("exceptions") or ():
            if isinstance(e, dict) and isinstance(e.get("text"), str) and e["text"]:
                exceptions.add(e["text"])
    return Vocabulary(frozenset(offices), frozenset(documents), frozenset(exceptions))


def find(route: str, vocab: Vocabulary) -> Found:
    """The known offices and documents in ``route`` (longest match wins where
    two overlap: 基层人民法院 over 人民法院), in the order the route names them,
    and its exceptions."""
    hits = []
    for kind, terms in (("offices", vocab.offices), ("documents", vocab.documents)):
        for term in terms:
            for m in re.finditer(re.escape(term), route):
                hits.append((m.start(), m.end(), kind, term))
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    chosen: list[tuple[int, int, str, str]] = []
    for start, end, kind, term in hits:
        if not any(start < e and s < end for s, e, _, _ in chosen):
            chosen.append((start, end, kind, term))
    in_order = sorted(chosen)  # as the route names them, each term once
    offices = list(dict.fromkeys(term for _, _, kind, term in in_order if kind == "offices"))
    documents = list(dict.fromkeys(term for _, _, kind, term in in_order if kind == "documents"))
    texts = [t for t in vocab.exceptions if t in route] + [m.group(1) for m in _EXCEPTION.finditer(route)]
    exceptions = [t for t in sorted(set(texts), key=route.index) if not any(t != o and t in o for o in texts)]
    return Found(offices, documents, exceptions)
