// Reading numbers typed into text fields (so an invalid value keeps its text) and printing them briefly.

/**
 * A whole number typed into the field `name`, in [min, max]: either { value } or { error } in plain words, with the
 * bounds printed by `print` (Part D groups their digits).
 */
export function whole(text, name, min, max, print = String) {
  const t = String(text).trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    return { error: `${name} must be a whole number from ${print(min)} to ${print(max)}; “${text}” is not.` };
  }
  return { value: Number(t) };
}

/** A decimal number typed into the field `name`, at least `min` (or greater than `above`) and at most `max`: { value } or { error }. */
export function decimal(text, name, { min = -Infinity, above = -Infinity, max = Infinity } = {}) {
  const t = String(text).trim();
  const value = t === '' ? NaN : Number(t);
  const lower = above > -Infinity ? `greater than ${above}` : `at least ${min}`;
  if (!Number.isFinite(value) || value < min || value <= above || value > max) {
    const range = max < Infinity ? `${lower} and at most ${max}` : lower;
    return { error: `${name} must be a number ${range}; “${text}” is not.` };
  }
  return { value };
}

export const MAX_SEED = 4294967295;
export const MAX_LEN = 200;

export const parseSeed = (t) => whole(t, 'Seed', 0, MAX_SEED);
export const parseMaxLen = (t) => whole(t, 'Max length', 1, MAX_LEN);
export const parseMerges = (t) => whole(t, 'Merges', 0, 10000);
export const parseTopK = (t) => whole(t, 'Top-k', 0, 100000);
export const parseTemperature = (t) => decimal(t, 'Temperature', { above: 0, max: 100 });
export const parseSmoothing = (t) => decimal(t, 'Smoothing', { min: 0, max: 100 });
export const parseLambda = (t) => decimal(t, 'λ', { min: 0, max: 100 });
export const parseLmLoss = (t) => decimal(t, 'L_lm', { min: 0, max: 1000 });
export const parseProbability = (t) => decimal(t, 'P(positive)', { above: 0, max: 1 });

/** A short number: at most `digits` decimals, trailing zeros dropped (0.3, 0.111, 1). */
export function short(x, digits = 3) {
  if (!Number.isFinite(x)) return '—';
  return String(Number(x.toFixed(digits)));
}

/** A count as the page prints every count: 14,750. */
export const grouped = (n) => Number(n).toLocaleString('en-US');

/** Exactly four decimals, as the lesson prints losses. */
export const four = (x) => (Number.isFinite(x) ? x.toFixed(4) : '—');
