// Part E, continuing a prompt with GPT-1: the tokens appear one by one as the worker's KV-cached decoder makes them;
// the ten most likely next tokens after the prompt, and where a chosen word ranks among all of the model's rows.
import { $, el, setError, messageOf, shown } from '../../drawing/dom.js';
import { whole, parseTemperature, MAX_SEED } from '../../state/numbers.js';
import { LAB_NAMES } from '../../state/store.js';

const TOP = 10;
const FIELDS = { // id → [its field in the store (Part E's name), how it is read: { value } or { error }]
  'gpt1-prompt': ['prompt', (t) => ({ value: t })],
  'gpt1-seed': ['seed', (t) => whole(t, 'GPT-1 seed', 0, MAX_SEED)],
  'gpt1-temp': ['temp', parseTemperature],
  'gpt1-topk': ['topk', (t) => whole(t, 'GPT-1 top-k', 0, 40478)],
  'gpt1-len': ['len', (t) => whole(t, 'New tokens', 1, 500)],
  'gpt1-word': ['word', (t) => ({ value: t })],
};

/** The ten most likely next tokens as a table. */
function nextTable(next) {
  return el('table', { class: 'loss-table gpt1-next-table' },
    el('caption', { text: 'The 10 most likely next tokens after the prompt' }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'rank' }), el('th', { scope: 'col', text: 'token' }),
      el('th', { scope: 'col', text: 'id' }), el('th', { scope: 'col', text: 'probability' }))),
    el('tbody', {}, ...next.map(({ id, token, p }, i) => el('tr', {}, el('td', { text: String(i + 1) }),
      el('th', { scope: 'row' }, el('span', { class: 'next-tok', text: shown(token) })), el('td', { text: String(id) }),
      el('td', { text: p.toFixed(4) })))));
}

/** A token in the running text: a word's last piece (`</w>`) followed by a space, as GPT-1's decoder joins them. */
const tokenSpan = (token, generated) => el('span', { class: generated ? 'tok gpt1-new' : 'tok',
  text: token.replace(/<\/w>$/, ' ') });

/** What a rank answer says. */
function rankText({ token, rank, pieces, of }) {
  const split = pieces > 1 ? ` (the word is ${pieces} tokens; this is its first)` : '';
  return `“${shown(token)}”${split} ranks ${rank.toLocaleString('en-US')} of ${of.toLocaleString('en-US')} as the next token.`;
}

/** Part E's continuation. `session`: kinds/gpt1/session.js; `store`: the page's, which holds the fields' text. */
export function createRun(session, store) {
  const ui = { output: $('gpt1-output'), status: $('gpt1-run-status'), next: $('gpt1-next'), rank: $('gpt1-rank'),
    run: $('gpt1-run'), stop: $('gpt1-stop'), word: $('gpt1-word') };
  let running = 0; // counts runs: a newer one (or Stop) ends an older one's loop
  let rankAsked = 0;

  for (const [id, [name]] of Object.entries(FIELDS)) {
    const field = LAB_NAMES.gpt1[name];
    $(id).value = store.state[field];
    $(id).addEventListener('input', () => store.set({ [field]: $(id).value }));
  }

  /** The settings as numbers, or undefined (each bad one says why beside its field). */
  function settings() {
    const values = {};
    let ok = true;
    for (const [id, [, parse]] of Object.entries(FIELDS)) {
      const { value, error } = parse($(id).value);
      setError(id, error ?? '');
      if (error) ok = false;
      else values[id] = value;
    }
    return ok ? values : undefined;
  }

  /** Continues the prompt; resolves with the time of the first new token (performance.now()), or null. */
  async function start() {
    const values = settings();
    if (!values) return null;
    const mine = ++running;
    ui.stop.disabled = false;
    ui.status.textContent = 'Reading the prompt…';
    let first = null;
    try {
      const begun = await session.request('start', { text: values['gpt1-prompt'], seed: values['gpt1-seed'],
        temperature: values['gpt1-temp'], topK: values['gpt1-topk'], top: TOP, word: values['gpt1-word'].trim() || null });
      if (mine !== running) return null;
      ui.output.replaceChildren(...begun.tokens.map((t) => tokenSpan(t, false)));
      ui.next.replaceChildren(nextTable(begun.next));
      ui.rank.textContent = begun.rank ? rankText(begun.rank) : '';
      const wanted = values['gpt1-len'];
      const started = performance.now();
      for (let made = 0; made < wanted && mine === running;) {
        const { tokens, full } = await session.request('next', { count: 1 });
        if (mine !== running) break;
        first ??= performance.now();
        ui.output.append(...tokens.map((t) => tokenSpan(t, true)));
        made += tokens.length;
        const rate = made / ((performance.now() - started) / 1000);
        ui.status.textContent = `${made} of ${wanted} new tokens, ${rate.toFixed(1)} tokens/s`;
        if (full) {
          ui.status.textContent += ': the context of 512 tokens is full';
          break;
        }
      }
    } catch (error) {
      if (mine === running) setError('gpt1-prompt', messageOf(error));
    } finally {
      if (mine === running) ui.stop.disabled = true;
    }
    return first;
  }

  async function rank() {
    const word = ui.word.value.trim();
    const asked = ++rankAsked;
    setError('gpt1-word', '');
    if (!word) { ui.rank.textContent = ''; return; }
    try {
      const answer = await session.request('rank', { word });
      if (asked === rankAsked) ui.rank.textContent = rankText(answer);
    } catch (error) {
      if (asked === rankAsked) setError('gpt1-word', messageOf(error));
    }
  }

  ui.run.addEventListener('click', () => start());
  ui.stop.addEventListener('click', () => {
    running += 1;
    ui.stop.disabled = true;
    ui.status.textContent += ' (stopped)';
  });
  let timer = 0;
  ui.word.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(rank, 200); });

  return {
    start,
    clear() {
      running += 1;
      ui.output.replaceChildren();
      ui.next.replaceChildren();
      ui.rank.textContent = '';
      ui.status.textContent = '';
    },
    prompt: () => $('gpt1-prompt').value,
  };
}
