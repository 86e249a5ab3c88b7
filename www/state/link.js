// The link codec: the page's state in a URL hash (and in localStorage, saved the same way), under short keys. This is
// the one module that knows them: everywhere else a field has its own name (store.js).
import { FIELDS, SIZES, invalid, complete, quote } from './store.js';
import { grouped } from './numbers.js';

/** Each linked field's key in a link (Part D's fields, `linked: false` in store.js, have none). */
const KEYS = Object.freeze({
  corpus: 'corpus', smoothing: 'k', order: 'order', tokenizer: 'tok', boundaries: 'bounds', merges: 'merges',
  segmentText: 'seg', validation: 'val', seed: 'seed', maxLen: 'len', temperature: 't', topK: 'topk', task: 'task',
  text: 'text', premise: 'premise', hypothesis: 'hypothesis', similarityA: 'a', similarityB: 'b',
  choiceContext: 'context', choiceAnswers: 'answers', pPositive: 'p', label: 'label', lambda: 'lambda', lmLoss: 'lm',
  lmSource: 'lmmode', neverStart: 'nostart',
});
const NAMES = new Map(Object.entries(KEYS).map(([name, key]) => [key, name]));
/** The keys a link may hold. */
export const LINK_KEYS = Object.freeze(Object.values(KEYS));

/** A corpus longer than this stays out of the link; it is kept in localStorage, and a link without one takes it. */
export const LINK_MAX = SIZES.text;
/** The most characters a link may carry in field `name`. */
export const linkMax = (name) => SIZES[FIELDS[name].size];
/** A state part of the address longer than this is not read at all. */
export const HASH_MAX = 2000000;

/** The linked fields of a state, as [name, value] pairs. */
const linked = (state) => Object.entries(state).filter(([name]) => Object.hasOwn(KEYS, name));

/** The state's linked fields under the link's keys (what localStorage keeps of Parts A–C too). */
export const encode = (state) => Object.fromEntries(linked(state).map(([name, value]) => [KEYS[name], value]));

/** A state kept under the link's keys, back to its fields: only known keys whose values are valid, the rest `base`'s. */
export function decode(saved, base) {
  const partial = {};
  for (const [key, value] of Object.entries(saved)) if (NAMES.has(key)) partial[NAMES.get(key)] = value;
  return complete(partial, base);
}

/** application/x-www-form-urlencoded decoding that throws on bad percent-encoding (URLSearchParams would not say). */
const decodePart = (part) => decodeURIComponent(part.replace(/\+/g, ' '));

/**
 * What a link's hash says, field by field: { fields, problems }, where `fields` holds only the valid known fields and
 * `problems` says in plain words what was ignored. Null for a hash that is no state (empty, or an in-page anchor).
 */
export function readLink(hash = location.hash) {
  const raw = hash.replace(/^#/, '');
  if (!raw.includes('=')) return null;
  const fields = {};
  const problems = [];
  if (raw.length > HASH_MAX) {
    problems.push(`the link's settings are ${grouped(raw.length)} characters long, above the ${grouped(HASH_MAX)} the page reads`);
    return { fields, problems };
  }
  const unknown = [];
  const seen = new Set();
  const repeated = new Set();
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    let key;
    let value;
    try {
      key = decodePart(eq < 0 ? part : part.slice(0, eq));
      value = eq < 0 ? '' : decodePart(part.slice(eq + 1));
    } catch {
      problems.push(`${quote(part)} is not properly encoded`);
      continue;
    }
    if (!NAMES.has(key)) {
      unknown.push(quote(key));
      continue;
    }
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
    const why = invalid(NAMES.get(key), value, key);
    if (why) problems.push(why);
    else fields[NAMES.get(key)] = value;
  }
  for (const key of repeated) {
    delete fields[NAMES.get(key)];
    problems.push(`${key} appears more than once`);
  }
  if (unknown.length) {
    const names = unknown.length > 5 ? `${unknown.slice(0, 5).join(', ')} and ${unknown.length - 5} more` : unknown.join(', ');
    problems.push(`unknown setting${unknown.length > 1 ? 's' : ''} ${names}`);
  }
  return { fields, problems };
}

/**
 * A link applied over a state: { state, problems, question }. The link's valid fields replace the state's; its
 * corpus replaces a different saved one only after asking — `question` is then the link's corpus, and `state`
 * keeps the saved one until the user chooses.
 */
export function applyLink(base, link, saved) {
  const state = { ...base, ...link.fields };
  let question = null;
  if (Object.hasOwn(link.fields, 'corpus') && saved && link.fields.corpus !== base.corpus) {
    question = link.fields.corpus;
    state.corpus = base.corpus;
  }
  return { state, problems: link.problems, question };
}

/** The hash that reproduces `state` (everything after '#'; a value longer than a link may carry is left out). */
export function toHash(state) {
  const entries = linked(state).filter(([name, value]) => value.length <= linkMax(name));
  return new URLSearchParams(entries.map(([name, value]) => [KEYS[name], value])).toString();
}
