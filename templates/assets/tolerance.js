/* What the search page (search.js) forgives, loaded only when a query needs it:
 * traditional characters (單身證明), characters that sound like the one meant
 * (婚姻壮况证明, 健再证明) and pinyin typed without choosing characters
 * (danshen zhengming, hunyinzhuangkuang, dszm).
 *
 * The tables are search/tolerance.json, computed when building from OpenCC
 * (traditional → simplified) and pypinyin (readings): sitegen/tolerance.py.
 * prepare() turns them into the object search.js calls: simplify(text),
 * tokens(query, known) and alike(token, character).
 */

// How much a token that is not the name's character still counts (of the
// character's rarity): a pinyin syllable typed in Latin letters, a character
// that reads the same (壮 for 状), one that reads alike under the usual fuzzy
// pinyin of input methods (zh/z, ch/c, sh/s, -ng/-n, l/n: 身 for 生), an initial.
const ALIKE = { syllable: 0.9, homophone: 0.75, fuzzy: 0.55, initial: 0.5 };
const LATIN = /[a-z]/u;

/** 身 and 生, zhuang and zuang: one key for syllables an input method's fuzzy pinyin confuses. */
function fuzzy(syllable) {
  return syllable.replace(/^([zcs])h/u, "$1").replace(/^l/u, "n").replace(/ng$/u, "n");
}

/** The tables as search.js uses them; ``same``: search.js's SAME (one spelling for one meaning). */
export function prepare(raw, same) {
  const t2s = new Map();
  const pairs = [...raw.t2s];
  for (let i = 0; i + 1 < pairs.length; i += 2) t2s.set(pairs[i], pairs[i + 1]);
  // character → its usual reading (how a slip was typed); → every reading (how a name may be read)
  const usual = new Map(), readings = new Map();
  for (const [table, into] of [[raw.py, [usual, readings]], [raw.more, [readings]]]) {
    for (const [syllable, chars] of Object.entries(table)) {
      for (const ch of chars) {
        for (const map of into) {
          if (!map.has(ch)) map.set(ch, []);
          map.get(ch).push(syllable);
        }
      }
    }
  }
  const fuzzies = new Map();
  for (const [ch, list] of readings) fuzzies.set(ch, new Set(list.map(fuzzy)));
  const syllables = new Set(Object.keys(raw.py).concat(Object.keys(raw.more)));
  const longest = Math.max(...[...syllables].map((x) => x.length));

  /** 單身證明 → 单身证明. */
  function simplify(text) {
    return [...text].map((ch) => t2s.get(ch) || ch).join("");
  }

  /** Latin letters as pinyin: the fewest whole syllables (hunyinzhuangkuang →
   * hun yin zhuang kuang); letters no syllables cover are initials (dszm). */
  function syllablesOf(run) {
    const best = new Array(run.length + 1).fill(null);
    best[0] = [];
    for (let i = 0; i < run.length; i++) {
      if (!best[i]) continue;
      for (let n = 1; n <= longest && i + n <= run.length; n++) {
        const piece = run.slice(i, i + n);
        if (syllables.has(piece) && (!best[i + n] || best[i + n].length > best[i].length + 1)) best[i + n] = best[i].concat([piece]);
      }
    }
    if (best[run.length]) return best[run.length].map((syllable) => ({ syllable }));
    return [...run].map((initial) => ({ initial }));
  }

  /** The query as tokens, each with where it is in the query's text: a
   * character (with its usual reading), a syllable or an initial. A
   * character typed beside one it forms a name's pair with (known(pair):
   * 务工) is taken as typed, not as a slip (证 and 明 do not count: 单身证明
   * does not make 出身证明's 身 right). */
  function rawTokens(q, known) {
    const out = [];
    const chars = [...q];
    for (let i = 0; i < chars.length;) {
      if (LATIN.test(chars[i])) {
        let j = i;
        while (j < chars.length && LATIN.test(chars[j])) j++;
        const parts = syllablesOf(chars.slice(i, j).join(""));
        const span = (j - i) / parts.length;
        parts.forEach((p, k) => out.push({ ...p, at: i + Math.floor(k * span), len: Math.max(1, Math.round(span)) }));
        i = j;
      } else {
        const ch = chars[i];
        const paired = [chars[i - 1], chars[i + 1]].some((other, k) => other && !"证明".includes(other) && known(k ? ch + other : other + ch));
        const sounds = !paired && usual.get(ch);
        out.push(sounds ? { ch, sounds, fuzzies: new Set(sounds.map(fuzzy)), at: i, len: 1 } : { ch, at: i, len: 1 });
        i++;
      }
    }
    return out;
  }

  /** Tokens; the syllables of a word SAME respells become its spelling (yi
   * shi → 丢, as 遗失 is compared as 丢 in every name). */
  function tokens(q, known) {
    const out = rawTokens(q, known);
    for (let i = 0; i < out.length; i++) {
      for (const [from, to] of same) {
        const n = from.length;
        if (i + n > out.length || !out.slice(i, i + n).every((tok, k) => tok.syllable && (readings.get(from[k]) || []).includes(tok.syllable))) continue;
        const at = out[i].at, len = out[i + n - 1].at + out[i + n - 1].len - at;
        out.splice(i, n, ...[...to].map((ch, k) => ({ ch, at: k ? at + len : at, len: k ? 0 : len })));
        break;
      }
    }
    return out;
  }

  /** How much a token that is not the name's character c counts for it (0: not at all). */
  function alike(tok, c) {
    const heard = readings.get(c);
    if (!heard) return 0;
    if (tok.syllable) return heard.includes(tok.syllable) ? ALIKE.syllable : 0; // typed as meant: no fuzzy pinyin
    if (tok.initial) return heard.some((h) => h[0] === tok.initial) ? ALIKE.initial : 0;
    if (tok.sounds) {
      if (tok.sounds.some((h) => heard.includes(h))) return ALIKE.homophone;
      const mine = fuzzies.get(c);
      for (const f of tok.fuzzies) if (mine.has(f)) return ALIKE.fuzzy;
    }
    return 0;
  }

  return { simplify, tokens, alike };
}
