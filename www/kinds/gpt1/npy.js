// OpenAI's own release of GPT-1's weights (the `model/` folder of openai/finetune-transformer-lm): the parameters
// as one flat float32 array, saved by numpy in ten pieces, `params_0.npy` … `params_9.npy`, with their shapes in
// `params_shapes.json` — positions [512, 768], tokens [40478, 768], then per layer c_attn w [1, 768, 2304], b,
// c_proj w [1, 768, 768], b, ln_1 g, b, c_fc w [1, 768, 3072], b, c_proj w [1, 3072, 768], b, ln_2 g, b.
//
// The page reads those files as it reads Hugging Face's model.safetensors: a safetensors header is written for the
// release's order (Hugging Face's names; each [1, in, out] weight is Conv1D's [in, out], the same bytes), and the
// file read is that header followed by each .npy file's data. A Blob of slices reads the files when it is read
// itself, so nothing is copied: the worker streams it into the core's loader like any weights file.
import { GPT1 } from './shape.js';

/** What the release's file names are, for messages. */
const RELEASED = 'OpenAI\'s release is ten files, params_0.npy … params_9.npy (with params_shapes.json, if you have it)';
const PIECES = 10;
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const KEYS = ['descr', 'fortran_order', 'shape']; // what an .npy header holds, all three
const MAX_NPY_HEADER = 64 * 1024; // numpy writes about a hundred bytes; a longer claim is not a weights piece
const MAX_SHAPES = 1024 * 1024; // params_shapes.json is about 5 KB for the release
const count = (n) => n.toLocaleString('en-US');
const product = (shape) => shape.reduce((a, b) => a * b, 1);
/** A value of an .npy header as Python writes it: a tuple in parentheses, anything else as JSON. */
const python = (v) => (Array.isArray(v) ? `(${v.map(python).join(', ')}${v.length === 1 ? ',' : ''})` : JSON.stringify(v));

/** Whether `name` is one of the release's files (a .npy piece or the shapes), not a safetensors file. */
export const isReleaseName = (name) => /\.(npy|json)$/i.test(name);

// — one .npy file's header —

/**
 * A Python literal as numpy writes an .npy header: a dict (a Map) of strings, booleans, whole numbers and tuples
 * (arrays); `fail(what)` throws, saying where it went wrong.
 */
function pythonLiteral(text, fail) {
  let at = 0;
  const space = () => { while (at < text.length && ' \t\n\r'.includes(text[at])) at += 1; };
  const expect = (c) => {
    space();
    if (text[at] !== c) fail(`expected ${c} at character ${at}`);
    at += 1;
  };
  /** Items up to `close`, separated by commas (a trailing comma allowed). */
  function items(close, item) {
    const out = [];
    space();
    while (text[at] !== close) {
      out.push(item());
      space();
      if (text[at] === ',') at += 1;
      else if (text[at] !== close) fail(`expected , or ${close} at character ${at}`);
      space();
    }
    at += 1;
    return out;
  }
  function value() {
    space();
    const c = text[at];
    if (c === '{') {
      at += 1;
      const entries = new Map();
      items('}', () => {
        const key = value();
        if (typeof key !== 'string') fail(`a key that is not a string at character ${at}`);
        if (entries.has(key)) fail(`the key '${key}' twice`);
        expect(':');
        entries.set(key, value());
      });
      return entries;
    }
    if (c === '(') {
      at += 1;
      return items(')', value);
    }
    if (c === '\'' || c === '"') {
      const end = text.indexOf(c, at + 1);
      if (end < 0) fail(`an unclosed string at character ${at}`);
      const inside = text.slice(at + 1, end);
      if (inside.includes('\\')) fail(`an escape in a string at character ${at}`);
      at = end + 1;
      return inside;
    }
    const word = /^(True|False|\d+L?)/.exec(text.slice(at, at + 40))?.[0];
    if (!word) fail(`unexpected ${JSON.stringify(text.slice(at, at + 12))} at character ${at}`);
    at += word.length;
    if (word === 'True' || word === 'False') return word === 'True';
    const n = Number(word.replace('L', '')); // (Python 2's numpy wrote long integers with an L)
    if (!Number.isSafeInteger(n)) fail(`the number ${word} is too large`);
    return n;
  }
  const result = value();
  space();
  if (at !== text.length) fail(`text after the dictionary, at character ${at}`);
  return result;
}

/** The header's length (magic, version, length field and dict) from an .npy file's first 10 or 12 bytes. */
export function npyHeaderLength(first, name) {
  const problem = (what) => new Error(`${name} is not an .npy file as numpy writes it: ${what}`);
  if (first.length < 10 || MAGIC.some((b, i) => first[i] !== b)) {
    throw problem(`it does not start with numpy's mark \\x93NUMPY (${count(first.length)} bytes read)`);
  }
  const [major, minor] = [first[6], first[7]];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw problem(`format version ${major}.${minor}; versions 1.0, 2.0 and 3.0 are read`);
  }
  const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  if (major > 1 && first.length < 12) throw problem(`it ends inside its header (${count(first.length)} bytes)`);
  const [field, length] = major === 1 ? [10, view.getUint16(8, true)] : [12, view.getUint32(8, true)];
  if (length > MAX_NPY_HEADER) {
    throw problem(`its header claims ${count(length)} bytes; numpy writes a few hundred (at most ${count(MAX_NPY_HEADER)} are read)`);
  }
  return { bytes: field + length, version: major };
}

/**
 * Reads an .npy header (`bytes`: its first `npyHeaderLength(…).bytes` bytes) of a file of `size` bytes named
 * `name`: the number of float32 elements, and where they start. Only what the release holds is accepted:
 * little-endian float32 ('<f4'), C order, one dimension, and exactly the bytes that shape needs.
 */
export function readNpyHeader(bytes, size, name) {
  const { bytes: length, version } = npyHeaderLength(bytes, name);
  const problem = (what) => new Error(`${name}: ${what}`);
  if (bytes.length < length || size < length) {
    throw problem(`the file ends inside its ${count(length)}-byte header (it has ${count(Math.min(bytes.length, size))} bytes): it is cut short`);
  }
  const field = version === 1 ? 10 : 12;
  const text = new TextDecoder(version === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(field, length));
  const dict = pythonLiteral(text, (what) => { throw problem(`its header is not the dictionary numpy writes (${what})`); });
  if (!(dict instanceof Map)) throw problem('its header is not a dictionary: expected {\'descr\': …, \'fortran_order\': …, \'shape\': …}');
  for (const key of dict.keys()) {
    if (!KEYS.includes(key)) throw problem(`its header has the key '${key}': numpy writes only 'descr', 'fortran_order' and 'shape'`);
  }
  const missing = KEYS.find((key) => !dict.has(key));
  if (missing) throw problem(`its header has no '${missing}'`);
  const [descr, fortran, shape] = KEYS.map((key) => dict.get(key));
  if (descr !== '<f4') {
    throw problem(`its numbers are ${JSON.stringify(descr)}; the release's are little-endian float32, '<f4'`);
  }
  if (fortran !== false) throw problem('it is stored in Fortran order; the release\'s pieces are in C order (fortran_order False)');
  if (!Array.isArray(shape) || shape.length !== 1 || !Number.isInteger(shape[0])) {
    throw problem(`its shape is ${python(shape)}; each piece of the release is one-dimensional, (n,)`);
  }
  const elements = shape[0];
  const data = size - length;
  if (data !== 4 * elements) {
    const how = data < 4 * elements ? 'it is cut short' : 'it has bytes after its data';
    throw problem(`its header says ${count(elements)} float32 numbers (${count(4 * elements)} bytes), but ${count(data)} bytes follow it: ${how}`);
  }
  return { headerBytes: length, elements };
}

/** Reads the header of one .npy File (or Blob named `name`). */
export async function npyOf(file, name = file.name) {
  const read = async (end) => new Uint8Array(await file.slice(0, end).arrayBuffer());
  const first = await read(12);
  const { bytes } = npyHeaderLength(first, name);
  return readNpyHeader(await read(bytes), file.size, name);
}

// — the shapes, and the header in Hugging Face's names —

/** Hugging Face's name of each tensor of one block, in the release's order. */
const BLOCK = ['attn.c_attn.weight', 'attn.c_attn.bias', 'attn.c_proj.weight', 'attn.c_proj.bias', 'ln_1.weight',
  'ln_1.bias', 'mlp.c_fc.weight', 'mlp.c_fc.bias', 'mlp.c_proj.weight', 'mlp.c_proj.bias', 'ln_2.weight', 'ln_2.bias'];

/** The release's shapes for a model of these sizes, each with its Hugging Face name, in the release's order. */
export function releaseTensors({ dModel: d, layers, context, rows }) {
  const block = [[1, d, 3 * d], [3 * d], [1, d, d], [d], [d], [d], [1, d, 4 * d], [4 * d], [1, 4 * d, d], [d], [d], [d]];
  const out = [{ name: 'positions_embed.weight', shape: [context, d] }, { name: 'tokens_embed.weight', shape: [rows, d] }];
  for (let l = 0; l < layers; l++) out.push(...block.map((shape, i) => ({ name: `h.${l}.${BLOCK[i]}`, shape })));
  return out;
}

/**
 * The tensors `shapes` (params_shapes.json's list, parsed) describe, checked entry by entry against the release's
 * layout; the sizes come from the first two entries and the number of layers from the length.
 */
export function tensorsOfShapes(shapes) {
  const bad = (what) => new Error(`params_shapes.json ${what}`);
  const dims = (s) => Array.isArray(s) && s.length > 0 && s.every((n) => Number.isSafeInteger(n) && n > 0);
  if (!Array.isArray(shapes) || !shapes.every(dims)) {
    throw bad('must be a list of shapes, each a list of whole numbers above 0, as OpenAI wrote it');
  }
  const blocks = (shapes.length - 2) / BLOCK.length;
  if (shapes.length < 2 + BLOCK.length || !Number.isInteger(blocks)) {
    throw bad(`has ${count(shapes.length)} shapes; the release's layout is positions, tokens, then 12 per layer (${2 + 12 * GPT1.layers} for GPT-1's ${GPT1.layers} layers)`);
  }
  if (shapes[0].length !== 2 || shapes[1].length !== 2) {
    throw bad(`starts [${shapes[0].join(', ')}], [${shapes[1].join(', ')}]; the release starts with the positions [context, d], then the tokens [rows, d]`);
  }
  const [[context, d], [rows]] = shapes;
  const expected = releaseTensors({ dModel: d, layers: blocks, context, rows });
  expected.forEach(({ name, shape }, i) => {
    if (shapes[i].join() !== shape.join()) {
      throw bad(`entry ${i} is [${shapes[i].join(', ')}]; for ${name} the release's layout has [${shape.join(', ')}] (d = ${d} from the positions' [${context}, ${d}])`);
    }
  });
  return expected;
}

/**
 * The safetensors header (8-byte length, then the JSON padded with spaces to a multiple of 8) for `tensors` laid
 * out one after another in the order given: each [1, in, out] weight becomes [in, out], the same bytes.
 */
export function safetensorsHeader(tensors) {
  const header = {};
  let at = 0;
  for (const { name, shape } of tensors) {
    const end = at + 4 * product(shape);
    header[name] = { dtype: 'F32', shape: shape.length === 3 ? shape.slice(1) : shape, data_offsets: [at, end] };
    at = end;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8); // (ASCII: one byte a character)
  return out;
}

// — the set of files —

/**
 * Sorts the release's files by name: the ten pieces in order and the shapes (or null). A file named otherwise,
 * given twice, or missing is an error naming it.
 */
export function sortRelease(files) {
  const pieces = new Array(PIECES).fill(null);
  let shapes = null;
  for (const file of files) {
    const piece = /^params_(\d+)\.npy$/.exec(file.name);
    if (file.name === 'params_shapes.json') {
      if (shapes) throw new Error(`params_shapes.json was given twice: ${RELEASED}`);
      shapes = file;
    } else if (piece && Number(piece[1]) < PIECES && String(Number(piece[1])) === piece[1]) {
      const i = Number(piece[1]);
      if (pieces[i]) throw new Error(`${file.name} was given twice: ${RELEASED}`);
      pieces[i] = file;
    } else {
      throw new Error(`${file.name} is not one of the release's files: give one model.safetensors by itself, or ${RELEASED}, named as released`);
    }
  }
  const missing = pieces.flatMap((file, i) => (file ? [] : [`params_${i}.npy`]));
  if (missing.length) {
    throw new Error(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: ${RELEASED}; pick or drop them all at once`);
  }
  return { pieces, shapes };
}

/** params_shapes.json's text, parsed. */
async function readShapes(file) {
  if (file.size > MAX_SHAPES) throw new Error(`params_shapes.json is ${count(file.size)} bytes; OpenAI's is about 5 KB`);
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new Error('params_shapes.json is not JSON: expected a list of shapes such as [[512, 768], [40478, 768], …]');
  }
}

/**
 * OpenAI's release given as `files` (the ten .npy pieces, in any order, and params_shapes.json if given; without
 * it, GPT-1's own shapes) as one safetensors file: a Blob of the header written here and each piece's data, which
 * reads the files only when it is read. Every file is checked first; a problem is an error naming the file.
 */
export async function releaseAsSafetensors(files) {
  const { pieces, shapes } = sortRelease(files);
  const tensors = shapes ? tensorsOfShapes(await readShapes(shapes)) : releaseTensors(GPT1);
  const headers = await Promise.all(pieces.map((file) => npyOf(file)));
  const given = headers.reduce((n, h) => n + h.elements, 0);
  const needed = tensors.reduce((n, t) => n + product(t.shape), 0);
  if (given !== needed) {
    const whose = shapes ? 'the shapes in params_shapes.json' : 'GPT-1\'s shapes (for another model, give its params_shapes.json with them)';
    throw new Error(`the ten .npy files hold ${count(given)} numbers, but ${whose} need ${count(needed)}`);
  }
  return new Blob([safetensorsHeader(tensors), ...pieces.map((file, i) => file.slice(headers[i].headerBytes))]);
}

/** The weights file `files` give: one safetensors file as it is, or OpenAI's release as one safetensors file. */
export async function weightsSource(files) {
  if (!files.length) throw new Error('no file was given: pick or drop model.safetensors, or the release\'s .npy files');
  if (files.length === 1 && !isReleaseName(files[0].name)) return files[0];
  if (!files.some((file) => isReleaseName(file.name))) {
    const names = files.map((file) => file.name).join(', ');
    throw new Error(`${files.length} files were given (${names}): give one model.safetensors by itself, or ${RELEASED}`);
  }
  return releaseAsSafetensors(files); // (a file of another kind among them is named there)
}
