// The minimal page: builds the lesson's model in wasm and shows the notebook's seed-42 generation.
import init, { NgramModel, generate } from './pkg/gpt1_playground.js';

const LESSON = 'chai bahut garam hai\nchai acha\nchai bahut acha hai';

await init();
const model = new NgramModel(LESSON);
document.getElementById('corpus').textContent = LESSON;
document.getElementById('generated').textContent = generate(model, { seed: 42, maxLen: 6 }).join(' ');
