/* The search page: what a resident types → the certificate's page.
 *
 * 1. Names first. The names are built from content/lists/: as published, the
 *    bracketed and 备注 names of each region's row, and the other names and
 *    keywords an editor curated. The query is compared with them as plain
 *    character strings (longest common substring, rarer characters count
 *    more), so word segmentation can never lose an exact name, and filler such
 *    as 社区能开…吗 simply matches nothing. ../search/names.json (the core) has
 *    the certificates, a directory of every region and, for a query without a
 *    region, every distinct row of names with each certificate's widest
 *    region; ../search/names/<region>.json has one region's rows and is loaded
 *    only when that region is chosen or named (docs/search.md: the split).
 * 2. Pagefind adds the full text of every page (offices, documents, purposes)
 *    for the words the names did not explain. It is loaded only then (most
 *    queries never need its ~100 KB), gets at most three words with filler
 *    such as 去哪 or 吗 removed (a word missing from a page excludes it), and if
 *    the words together find nothing, each word is tried alone.
 *
 * Loaded as a module: a browser too old for modules never runs it and keeps the
 * page's own pointer to the A–Z index. Without WebAssembly or Intl.Segmenter the
 * names still work and the page says that full-text search is off.
 */
const ROOT = new URL("../", import.meta.url); // this file is <root>/assets/search.<hash>.js
const $ = (id) => document.getElementById(id);
const form = $("search-form");
// Without this script the form answers in the frame of the page's <noscript> (the A–Z lists).
form.removeAttribute("target");
form.setAttribute("action", "./");
const input = $("q");
const select = $("region");
const statusLine = $("search-status");
const results = $("results");

const MAX_RESULTS = 10;
const REMEMBERED = "region"; // localStorage: the region of the last search (assets/region.js reads it on the home page)
const MIN_SCORE = 1.2; // below this a names match is noise (e.g. only 证明)
const RELATED = 0.4; // a result that does not match well is shown only from this share of the best score
const RARE = 2.5; // idf above which one character alone counts (it names at most ~3 certificates)
const PAGEFIND_WEIGHT = 1; // the top full-text hit: less than one rare character of a name …
const TEXT_WEIGHT = 5; // … plus this much more, scaled by the share of the query the names left unexplained
const WEIGHT = { row: 1, cert: 1, former: 0.95, also: 0.9, key: 0.8 };
// Same meaning, one spelling (applied to the query and to every name).
const SAME = [["遗失", "丢"], ["丢失", "丢"], ["弄丢", "丢"], ["搞丢", "丢"], ["掉了", "丢了"], ["不见了", "丢了"], ["户口簿", "户口本"], ["房子", "房产"], ["离异", "离婚"], ["过世", "去世"], ["逝世", "去世"], ["离世", "去世"], ["死了", "去世了"], ["证明书", "证明"], ["村民委员会", "村委会"], ["居民委员会", "居委会"]];
// Who is asked and how: removed from the query and from every name alike, so
// 社区能开死亡证明吗 is compared as 开死亡证明 (longest first).
const ASKING = ["可不可以", "麻烦问下", "麻烦", "你好", "您好", "谢谢", "帮忙", "现在", "到底", "问问", "问下", "能不能", "在哪里", "去哪里", "到哪里", "怎么办", "居委会", "村委会", "社区", "居委", "村委", "哪里", "在哪", "去哪", "哪儿", "怎么", "如何", "可以", "能否", "找谁", "请问", "什么", "吗", "呢", "吧"];
// Words that say how, not what: dropped before Pagefind sees the query. A word
// made only of FILLER_CHARS (我要, 还给, 有没有, 怎么样) is filler too.
const FILLER = new Set(("社区 居委会 村委会 居委 村委 村里 街道 家里 办理 开具 出具 哪里 哪儿 在哪里 去哪里 如何 什么 啥 请问 一下 一个 这个 那个 证明 手续 材料").split(" "));
const FILLER_CHARS = new Set("我你他她们要想开给能去到哪的地了吗呢吧啊呀嘛还在办请问找谁怎么样个一下是不可以会帮把让得需该应这那些有没");

const features = {
  wasm: typeof WebAssembly === "object" && typeof WebAssembly.instantiate === "function",
  segmenter: typeof Intl === "object" && typeof Intl.Segmenter === "function",
};

let data = null; // the prepared core (search/names.json); regions load their rows on demand
const bundles = new Map(); // bundle folder → Promise<Pagefind instance | null>
let seq = 0;
let timer = 0;

// ------------------------------------------------------------------ text

// A string of common Chinese characters only, none of them part of a word that
// SAME or ASKING replace, is its own canonical form (most place names: ~3,200
// of them at national scale, so this is worth knowing without the work).
const PLAIN = /^[\u4e00-\u9fff]*$/u;
const REPLACED = new RegExp(SAME.map(([from]) => from).concat(ASKING).join("|"), "u");

function canon(text) {
  if (PLAIN.test(text) && !REPLACED.test(text)) return text;
  let s = String(text || "").normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, "");
  for (const [from, to] of SAME) s = s.split(from).join(to);
  for (const word of ASKING) s = s.split(word).join("");
  return s;
}

/** The length of what a name is about: 无房证明 → 无房, 狗证 → 狗 (but 公证 stays). */
function coreLength(term) {
  let core = term.replace(/(证明材料|证明|材料|意见)$/u, "");
  if (core.length > 1 && core.endsWith("证") && !WORD_ENDING_IN_ZHENG.test(core.slice(-2))) core = core.slice(0, -1);
  return core.length || term.length;
}
const WORD_ENDING_IN_ZHENG = /^[认公验保论查考凭签见佐实]证$/u;

/** Longest common substring of the query's tokens a and a name b over
 * positions not yet used: [length, start in a, start in b]. */
function common(a, b, usedA, usedB) {
  let best = 0, atA = 0, atB = 0;
  let prev = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array(b.length + 1).fill(0);
    if (!usedA[i - 1]) {
      for (let j = 1; j <= b.length; j++) {
        if (!usedB[j - 1] && alike(a[i - 1], b[j - 1]) > 0) {
          row[j] = prev[j - 1] + 1;
          if (row[j] > best) { best = row[j]; atA = i - best; atB = j - best; }
        }
      }
    }
    prev = row;
  }
  return [best, atA, atB];
}

// ------------------------------------------------------------------ tolerance

// Traditional characters, slips and pinyin (assets/tolerance.js with the
// tables of search/tolerance.json): both loaded only when a query needs them.
const LATIN = /[a-z]/u;
let tolerance = null; // Promise of the prepared tables, once needed
let active = null; // the tables the current query is matched with (null: exact characters only)

function loadTolerance() {
  if (!tolerance) {
    const { script, tables } = data.raw.tolerance;
    tolerance = Promise.all([
      import(new URL(script, ROOT).href),
      fetch(new URL(tables, ROOT), { cache: "no-cache" }).then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }),
    ])
      .then(([module, raw]) => module.prepare(raw, SAME))
      .catch(() => {
        tolerance = null; // try again next time; this query goes on without
        return null;
      });
  }
  return tolerance;
}

/** How much query token tok counts for the name's character c: 1 the same
 * character, less when it only sounds alike (tables loaded), else 0. */
function alike(tok, c) {
  return tok.ch === c ? 1 : active ? active.alike(tok, c) : 0;
}

// ------------------------------------------------------------------ data

function addTerm(list, text, weight, kind) {
  const c = canon(text);
  if (c.length < 2) return;
  const same = list.find((t) => t.c === c);
  if (same) { if (weight > same.w) { same.w = weight; same.text = text; } return; }
  list.push({ c, w: weight, text, kind, core: coreLength(c) });
}

/** A row's names (as published first) and former names, as scored terms. */
function rowTerms(names, former) {
  const terms = [];
  names.forEach((t) => addTerm(terms, t, WEIGHT.row, "name"));
  former.forEach((t) => addTerm(terms, t, WEIGHT.former, "former"));
  return terms;
}

/** The core's region directory (columns; see sitegen/index.py: directory) as objects. */
function directory(d) {
  const ids = [], fulls = [];
  const idOf = (i) => ids[i] || (ids[i] = d.id[i].startsWith("-") ? idOf(d.up[i]) + d.id[i] : d.id[i]);
  const fullOf = (i) => {
    if (!fulls[i]) {
      const up = d.up[i];
      fulls[i] = d.full[i] || (up < 0 || d.up[up] < 0 ? d.name[i] : fullOf(up) + d.name[i]);
    }
    return fulls[i];
  };
  return d.name.map((name, order) => {
    const chars = [...name];
    const cut = Number(d.cut[order]);
    const region = { id: idOf(order), name, full: fullOf(order), stem: cut ? chars.slice(0, chars.length - cut).join("") : name, depth: Number(d.depth[order]), order, pages: null, loading: null };
    region.canon = [region.full, region.name, region.stem].map(canon); // full, name, stem
    region.words = [...new Set(region.canon)].filter((w) => w.length >= 2);
    return region;
  });
}

function prepare(raw) {
  const certs = raw.certs.map(([id, name, also, keys]) => ({ id, name, also, keys, terms: [] }));
  for (const cert of certs) {
    addTerm(cert.terms, cert.name, WEIGHT.cert, "common");
    cert.also.forEach((t) => addTerm(cert.terms, t, WEIGHT.also, "also"));
    cert.keys.forEach((t) => addTerm(cert.terms, t, WEIGHT.key, "key"));
  }
  const regions = directory(raw.regions);
  // Without a region: every distinct row of names anywhere, scored as a page is.
  const rows = raw.rows.map(([ci, names, former], order) => ({ cert: certs[ci], order, terms: rowTerms(names, former) }));
  // Rarer characters say more: idf over certificates (all their names, everywhere).
  const df = new Map();
  const perCert = new Map();
  for (const p of rows) {
    const chars = perCert.get(p.cert.id) || new Set();
    p.terms.concat(p.cert.terms).forEach((t) => [...t.c].forEach((ch) => chars.add(ch)));
    perCert.set(p.cert.id, chars);
  }
  for (const chars of perCert.values()) chars.forEach((ch) => df.set(ch, (df.get(ch) || 0) + 1));
  const n = perCert.size;
  const idf = (ch) => Math.max(0.25, Math.log(n / (df.get(ch) || n)));
  const weigh = (ch) => (df.has(ch) ? idf(ch) : Math.log(n)); // a character no name has says the most
  // Each certificate's page in the widest region that lists it (全国's when it does).
  const widest = new Map();
  raw.widest.forEach((w, ci) => {
    if (!w) return;
    const [ri, kind, row, count] = w;
    const cert = certs[ci];
    const page = { key: regions[ri].id + "/" + cert.id, region: regions[ri], cert, kind: raw.kinds[kind], name: raw.rows[row][1][0], terms: rows[row].terms };
    widest.set(cert.id, { page, regions: count });
  });
  const placeWords = regions.flatMap((r) => r.words.map((w) => [w, r])).sort((a, b) => b[0].length - a[0].length);
  const byId = new Map(), byFull = new Map(), byName = new Map();
  for (const r of regions) {
    const [full, name, stem] = r.canon;
    if (!byId.has(r.id)) byId.set(r.id, r);
    if (!byFull.has(full)) byFull.set(full, r);
    for (const w of [name, stem]) if (!byName.has(w)) byName.set(w, r);
  }
  // Every character a name (or a place) has: a query with another one needs the tolerance tables.
  // and every two characters in a row a name has: typed as a name has them, they are no slip
  const chars = new Set(), pairs = new Set();
  const addChars = (text) => {
    const c = [...canon(text)];
    c.forEach((ch, i) => { chars.add(ch); if (i) pairs.add(c[i - 1] + ch); });
  };
  certs.forEach((c) => [c.name, ...c.also, ...c.keys].forEach(addChars));
  raw.rows.forEach(([, names, former]) => names.concat(former).forEach(addChars));
  regions.forEach((r) => addChars(r.full));
  return { raw, certs, regions, rows, widest, idf, weigh, placeWords, byId, byFull, byName, chars, pairs, certIds: new Set(certs.map((c) => c.id)) };
}

/** A region's rows (search/names/<id>.json), fetched once, when it is first needed. */
function regionData(region) {
  if (!region.loading) {
    region.loading = fetch(url(data.raw.urls.names, { region: region.id }), { cache: "no-cache" })
      .then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then((shard) => {
        region.bundle = shard.bundle;
        region.pages = shard.rows.map(([ci, kind, names, former], order) => {
          const cert = data.certs[ci];
          return { key: region.id + "/" + cert.id, region, cert, kind: data.raw.kinds[kind], name: names[0], terms: rowTerms(names, former), order };
        });
        region.keys = new Set(region.pages.map((p) => p.key));
        return region;
      })
      .catch((err) => {
        region.loading = null; // try again next time
        throw err;
      });
  }
  return region.loading;
}

function findRegion(value) {
  if (!value) return null;
  const v = canon(value);
  return data.byId.get(value) || data.byFull.get(v) || data.byName.get(v) || null;
}

/** The query without place names, and the most specific place it named. */
function placeIn(q) {
  let found = null;
  let rest = q;
  for (const [word, region] of data.placeWords) {
    if (!rest.includes(word)) continue;
    rest = rest.split(word).join("");
    if (!found || region.depth > found.depth) found = region;
  }
  return [found, rest];
}

// ------------------------------------------------------------------ names score

/** How much of the query one name explains: the pieces they share (longest
 * first, two characters or one rare one), rarer characters counting more,
 * scaled by how much of the name was matched. A piece needs one character
 * typed as the name has it (or a whole syllable): sounding alike only
 * confirms. ``good``: see scorePage. */
function matchTerm(Q, t) {
  const toks = Q.toks;
  const usedQ = new Array(toks.length).fill(false);
  const usedT = new Array(t.c.length).fill(false);
  const at = [];
  let info = 0, matched = 0, named = false;
  for (let round = 0; round < 4; round++) {
    const [len, i, j] = common(toks, t.c, usedQ, usedT);
    if (len < 1) break;
    const factors = [];
    for (let k = 0; k < len; k++) factors.push(alike(toks[i + k], t.c[j + k]));
    const exact = factors.some((f) => f === 1);
    const initials = toks[i].initial !== undefined;
    // One token: only a character typed as the name has it, and a rare one.
    // Initials (dszm): only all of a name's characters, as input methods abbreviate.
    // Otherwise one character typed as the name has it, or whole syllables.
    if (len === 1 ? !(exact && data.idf(t.c[j]) >= RARE) : initials ? len !== t.c.length : !exact && !toks[i].syllable) break;
    for (let k = 0; k < len; k++) {
      usedQ[i + k] = usedT[j + k] = true;
      const tok = toks[i + k];
      // a slip says no more than the character typed; an initial names no character
      const worth = tok.initial ? 1 : tok.sounds && factors[k] < 1 ? Math.min(data.idf(t.c[j + k]), data.weigh(tok.ch)) : data.idf(t.c[j + k]);
      info += factors[k] * worth;
      at.push(i + k);
    }
    matched += len;
    if (!/^[证明]+$/u.test(t.c.slice(j, j + len))) named = true;
  }
  if (!at.length) return null;
  let core = 0;
  for (let k = 0; k < t.core; k++) if (usedT[k]) core++;
  const whole = core === t.core && ![...t.c.slice(0, t.core)].every((ch) => FILLER_CHARS.has(ch));
  const covering = named && at.filter((i) => !FILLER_CHARS.has(toks[i].ch)).length === Q.content;
  // exact: the name is what was asked (its core all matched, and all of the query but filler in it)
  return { s: t.w * info * Math.min(1, matched / t.core), at, t, good: whole || covering, exact: whole && covering };
}

/** A page's names against the query: the score, the name that matched best,
 * which characters of the query's text they explain, and whether they match
 * well: one name matched with all of its core (开无房证明 has 无房证明) or
 * holding all of the query but filler (门牌号 in 门牌号变更证明), and the
 * page's names explaining more than half of the query but filler. */
function scorePage(page, Q) {
  const matches = [];
  for (const t of page.terms.concat(page.cert.terms)) {
    const m = matchTerm(Q, t);
    if (m) matches.push(m);
  }
  matches.sort((a, b) => b.s - a.s);
  const covered = new Array(Q.text.length).fill(false);
  const seen = new Array(Q.toks.length).fill(false);
  let total = 0, good = false, exact = false;
  for (const m of matches) {
    let fresh = 0;
    for (const i of m.at) {
      if (seen[i]) continue;
      seen[i] = true;
      fresh++;
      const tok = Q.toks[i];
      for (let k = tok.at; k < tok.at + tok.len; k++) covered[k] = true;
    }
    total += m.s * (fresh / m.at.length);
    good = good || m.good;
    exact = exact || m.exact;
  }
  // ... and the page's names explain more than half of what is not filler
  const explained = Q.toks.filter((tok, i) => seen[i] && !FILLER_CHARS.has(tok.ch)).length;
  good = good && 2 * explained > Q.content;
  return { score: total, why: matches.length ? matches[0].t : null, covered, good, tier: exact ? 2 : good ? 1 : 0 };
}

// ------------------------------------------------------------------ Pagefind

function pagefindFor(bundle) {
  if (!bundles.has(bundle)) {
    const url = new URL(bundle, ROOT).href;
    bundles.set(bundle, import(url + "pagefind.js")
      .then(async (pf) => {
        if (pf.createInstance) return pf.createInstance({ basePath: url, noWorker: true });
        await pf.options({ basePath: url }); // Pagefind before 1.5: the module is the instance
        return pf;
      })
      .catch(() => null));
  }
  return bundles.get(bundle);
}

/** What Pagefind should look for, and how much the names left unexplained.
 * Skipped (no words) when the best names match covers every word of two or
 * more characters; otherwise every word that is not filler, longest first. */
function planFullText(q, hits) {
  const plan = { words: [], unexplained: 1 };
  if (!features.wasm || !features.segmenter || !q) return plan;
  const covered = hits.length && hits[0].covered ? hits[0].covered : [];
  // Every character explained by the names: no word can be left open, and the
  // word segmenter (~25 ms to start in a cold page) is not needed.
  let explained = covered.length > 0;
  for (let i = 0; explained && i < q.length; i++) explained = Boolean(covered[i]);
  if (explained) return plan;
  const words = [];
  let total = 0, known = 0, open = false;
  for (const part of new Intl.Segmenter("zh-CN", { granularity: "word" }).segment(q)) {
    if (part.isWordLike === false || FILLER.has(part.segment) || [...part.segment].every((ch) => FILLER_CHARS.has(ch))) continue;
    words.push(part.segment);
    let all = true;
    for (let i = part.index; i < part.index + part.segment.length; i++) {
      const weight = data.weigh(q[i]);
      total += weight;
      if (covered[i]) known += weight;
      else all = false;
    }
    // One character the names did not explain is too weak to load Pagefind
    // for, unless the names found nothing at all.
    if (!all && (part.segment.length > 1 || !covered.length)) open = true;
  }
  if (!open) return plan;
  plan.unexplained = total ? 1 - known / total : 1;
  plan.words = words.sort((a, b) => b.length - a.length).slice(0, 3);
  return plan;
}

/** 劳动关系 → 劳动 关系: Pagefind matches a query word only as the start of an
 * indexed word, and its indexer may have cut the page's text finer than the
 * browser cut the query. */
function pieces(word) {
  const out = [];
  let i = 0;
  for (; word.length - i > 3; i += 2) out.push(word.slice(i, i + 2));
  out.push(word.slice(i));
  return out;
}

async function fullText(words, region) {
  // All regions: the bundle holding the top region (on a small site the one
  // bundle), so a split national index is never downloaded whole for a query
  // without a place.
  const bundle = region ? region.bundle : data.raw.bundle;
  const pf = await pagefindFor(bundle);
  if (!pf) return new Map();
  const options = region ? { filters: { region: region.full } } : {};
  const hits = new Map(); // result id → {score, result}
  const add = (found, factor) => found.results.forEach((r) => {
    const had = hits.get(r.id);
    hits.set(r.id, { score: (had ? had.score : 0) + r.score * factor, result: r });
  });
  // Every word on the page; then with long words in pieces; then any one word
  // (a page with only some of the words counts half).
  // At most four different words in all: each may fetch one index chunk (~15 KB).
  let split = words.flatMap(pieces);
  if (new Set(words.concat(split)).size > 4) split = words;
  let strength = 1;
  for (const variant of split.length > words.length ? [words, split] : [words]) {
    add(await pf.search(variant.join(" "), options), 1);
    if (hits.size) break;
  }
  if (!hits.size && split.length > 1) {
    strength = 0.5;
    for (const word of split) add(await pf.search(word, options), 1);
  }
  const top = [...hits.values()].sort((a, b) => b.score - a.score).slice(0, 8); // each is one ~1.3 KB fragment
  const max = top.length ? top[0].score : 1;
  const out = new Map();
  await Promise.all(top.map(async ({ score, result }) => {
    const d = await result.data();
    const parts = d.url.split("?")[0].split("/").filter(Boolean);
    const key = parts.slice(-2).join("/");
    if (region ? region.keys.has(key) : data.certIds.has(parts[parts.length - 1])) out.set(key, Math.max(out.get(key) || 0, strength * score / max));
  }));
  return out;
}

// ------------------------------------------------------------------ ranking

function rank(Q, region, text, textWeight = PAGEFIND_WEIGHT) {
  const q = Q.text;
  // In a region: its pages. Without: every distinct row of names, with the
  // full text's best page of each certificate.
  const byCert = new Map();
  if (!region) {
    text.forEach((value, key) => {
      const cert = key.split("/").pop();
      byCert.set(cert, Math.max(byCert.get(cert) || 0, value));
    });
  }
  const pool = region ? region.pages : data.rows;
  const textOf = region ? (page) => text.get(page.key) || 0 : (row) => byCert.get(row.cert.id) || 0;
  const scored = [];
  for (const page of pool) {
    const { score, why, covered, good, tier } = q ? scorePage(page, Q) : { score: 0, why: null, covered: null, good: false, tier: 0 };
    const full = textOf(page);
    const named = score >= MIN_SCORE;
    if (named || full > 0) scored.push({ page, score: score + textWeight * full, why, covered: named ? covered : null, good: good && named, tier: named ? tier : 0 });
  }
  // A page with a name that is what was asked comes first, then those whose
  // names match well, then any that only share a character or two.
  scored.sort((a, b) => b.tier - a.tier || b.score - a.score || a.page.order - b.page.order);
  // What only may be related is shown if it scores near the best of the results.
  const best = Math.max(0, ...scored.map((h) => h.score));
  const shown = scored.filter((h) => h.good || h.score >= RELATED * best);
  if (region) return shown.slice(0, MAX_RESULTS);
  // All regions: one row per certificate, ranked by its best row of names but
  // showing the page of the widest region that lists it (全国 when it does),
  // with how many regions list it.
  const seen = new Map();
  for (const hit of shown) {
    if (!seen.has(hit.page.cert.id)) seen.set(hit.page.cert.id, hit);
  }
  return [...seen.values()].slice(0, MAX_RESULTS).map((hit) => {
    const widest = data.widest.get(hit.page.cert.id);
    return { ...hit, page: widest.page, regions: widest.regions, why: q ? scorePage(widest.page, Q).why : null }; // the name as that region has it
  });
}

// ------------------------------------------------------------------ display

function url(pattern, values) {
  return new URL(pattern.replace(/\{(\w+)\}/g, (_, k) => values[k]), ROOT).href;
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text) node.textContent = text;
  return node;
}

/** What a result's note says about the name that matched: the region's own
 * wording (a bracketed or 备注 name of its row) is "也叫"; our catalogue's
 * names (certificates.yaml) are common names, not the region's wording. */
function matchedName(hit) {
  const why = hit.why;
  if (!why || canon(why.text) === canon(hit.page.name) || why.kind === "key") return "";
  return (why.kind === "name" || why.kind === "former" ? "也叫“" : "常见叫法“") + why.text + "”";
}

function render(raw, region, hits) {
  results.textContent = "";
  if (!raw.trim()) {
    say("");
    delete results.dataset.verdict;
    return;
  }
  const where = region || findRegion(select.value);
  const lists = where ? where.full + "的清单" : "本站各地的清单";
  const found = hits.some((h) => h.good);
  results.dataset.verdict = found ? "found" : "absent";
  if (!found) {
    // Said first: the lists have no such certificate (by any name we know);
    // whatever follows only may be related.
    say((where ? where.name + "的清单里没有“" : "本站各地的清单里都没有“") + raw.trim() + "”。" + (hits.length ? "下面是可能相关的证明，请核对名称。" : "试试别的叫法（例如“户口证明”“无房证明”）。") + "也可以按名称查找" + (where ? "：" : "（见下方）。"));
    if (where) {
      const a = el("a", "", where.name + "：全部证明及其他叫法");
      a.href = url(data.raw.urls.index_az, { region: where.id });
      statusLine.append(a);
    }
    if (!hits.length) return;
  } else {
    say("按" + lists + "，找到 " + hits.filter((h) => h.good).length + " 项" + (where ? "" : "（选择地区可看本地规定）") + "。点名称打开。");
  }
  const ul = el("ul", "rows");
  for (const hit of hits) {
    const p = hit.page;
    const li = el("li", "rowlink rowlink--" + p.kind.class);
    li.dataset.score = hit.score.toFixed(2);
    li.dataset.match = hit.good ? "good" : "related";
    const a = el("a", "rowlink__link");
    a.href = url(data.raw.urls.item, { region: p.region.id, cert: p.cert.id });
    a.append(el("span", "rowlink__name", p.name), el("span", "tag tag--" + p.kind.class, p.kind.answer));
    const note = [hit.good ? "" : "可能相关", p.region.full, matchedName(hit)].filter(Boolean).join(" · ");
    a.append(el("span", "rowlink__note", note));
    li.append(a);
    if (hit.regions > 1) {
      const more = el("p", "actions");
      const compare = el("a", "", "另有 " + (hit.regions - 1) + " 个地区：各地对比");
      compare.href = url(data.raw.urls.certificate, { cert: p.cert.id });
      more.append(compare);
      li.append(more);
    }
    ul.append(li);
  }
  results.append(ul);
}

function say(text) {
  statusLine.textContent = text;
  statusLine.hidden = !text;
}

// ------------------------------------------------------------------ flow

function plainTokens(q) {
  return [...q].map((ch, at) => ({ ch, at, len: 1 }));
}

/** The query as compared: canonical, place removed, as tokens (``tol``: with
 * traditional characters simplified and pinyin read). */
function analyse(raw, chosen, tol) {
  const [named, q] = placeIn(canon(tol ? tol.simplify(raw) : raw));
  active = tol;
  const toks = tol ? tol.tokens(q, (pair) => data.pairs.has(pair)) : plainTokens(q);
  const content = toks.filter((tok) => !FILLER_CHARS.has(tok.ch)).length; // tokens that are not filler
  return { region: named || chosen, Q: { text: q, toks, content } }; // a place typed in the query wins over the menu
}

/** Whether to match again with the tolerance tables: Latin letters, a
 * character no name has (traditional, a slip), or no name matching well. */
function needsTolerance(raw, hits) {
  const q = canon(raw);
  return LATIN.test(q) || [...q].some((ch) => !data.chars.has(ch) && !FILLER_CHARS.has(ch)) || !hits.some((h) => h.good);
}

async function run() {
  const mine = ++seq;
  const raw = input.value;
  const chosen = findRegion(select.value);
  let { region, Q } = analyse(raw, chosen, null);
  results.dataset.state = "busy";
  remember(raw, chosen);
  const loadRegion = async () => {
    if (!region || region.pages) return true;
    try {
      await regionData(region);
      return true;
    } catch (err) {
      if (mine !== seq) return false;
      results.textContent = "";
      say("没有加载到" + region.full + "的搜索数据，请稍后再试，或用下面的“按名称查找”。");
      finish(raw, region);
      return false;
    }
  };
  if (!(await loadRegion()) || mine !== seq) return;
  let byNames = rank(Q, region, new Map());
  if (Q.text && needsTolerance(raw, byNames)) {
    const tol = await loadTolerance();
    if (mine !== seq) return;
    if (tol) {
      ({ region, Q } = analyse(raw, chosen, tol)); // 重慶 is 重庆 now
      if (!(await loadRegion()) || mine !== seq) return;
      active = tol;
      byNames = rank(Q, region, new Map());
      if (!byNames.some((h) => h.good)) {
        // Sounding alike found no name either: rank by the characters as typed (simplified).
        active = null;
        Q = { ...Q, toks: plainTokens(Q.text) };
        byNames = rank(Q, region, new Map());
      }
    }
  }
  const q = Q.text;
  render(raw, region, byNames);
  const plan = planFullText(q, byNames);
  let text = new Map();
  try {
    if (plan.words.length) text = await fullText(plan.words, region);
  } catch (err) {
    text = new Map();
  }
  if (mine !== seq) return;
  // The less of the query the names explained, the more the full text decides.
  render(raw, region, rank(Q, region, text, PAGEFIND_WEIGHT + TEXT_WEIGHT * plan.unexplained));
  finish(raw, region);
}

function finish(raw, region) {
  results.dataset.query = raw;
  results.dataset.region = region ? region.full : "";
  results.dataset.state = "done";
}

function remember(raw, region) {
  try {
    if (region) localStorage.setItem(REMEMBERED, region.full);
    else localStorage.removeItem(REMEMBERED);
  } catch (err) {
    // storage off (private mode): the region is simply not remembered
  }
  const params = new URLSearchParams();
  if (raw.trim()) params.set("q", raw.trim());
  if (region) params.set("region", region.full);
  const qs = params.toString();
  history.replaceState(null, "", qs ? "?" + qs : location.pathname);
}

function stored() {
  try {
    return localStorage.getItem(REMEMBERED);
  } catch (err) {
    return null;
  }
}

function soon(event) {
  if (event && event.isComposing) return; // wait for the input method to finish
  clearTimeout(timer);
  timer = setTimeout(run, 150);
}

function notice() {
  if (features.wasm && features.segmenter) return "";
  return "您的浏览器版本较旧（不支持" + [features.wasm ? "" : "WebAssembly", features.segmenter ? "" : "Intl.Segmenter"].filter(Boolean).join("、") + "），只能按证明名称和常见叫法查找，不能搜索页面全文。找不到时请用下面的“按名称查找”。";
}

async function start() {
  try {
    const response = await fetch(new URL("search/names.json", ROOT), { cache: "no-cache" });
    data = prepare(await response.json());
  } catch (err) {
    say("搜索数据没有加载成功，请用下面的“按名称查找”。");
    return;
  }
  const old = notice();
  if (old) {
    const p = el("p", "note", old);
    p.id = "search-notice";
    form.after(p);
  }
  const params = new URLSearchParams(location.search);
  // The region asked for in the URL (the home page's form sends it), else the last one searched in.
  const region = findRegion(params.has("region") ? params.get("region") : stored());
  if (region) {
    // The menu may not list every region (a national site's is too long to): add the one asked for.
    if (![...select.options].some((o) => o.value === region.full)) select.add(new Option(region.full, region.full));
    select.value = region.full;
  }
  input.value = params.get("q") || "";
  form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); run(); });
  input.addEventListener("input", soon);
  input.addEventListener("compositionend", soon);
  select.addEventListener("change", () => { clearTimeout(timer); run(); });
  say("");
  if (input.value) await run();
  else results.dataset.state = "done";
}

start();
