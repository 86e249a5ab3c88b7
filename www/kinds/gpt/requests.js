// The tiny GPT's requests (Part D): keep one pre-trained model, train it a chunk of steps per request, and answer the
// section's questions about it (samples, attention, next-token distributions, fine-tuning twice from a copy). The
// table runs in the training worker (gpt-worker.js), or on the page thread where no worker can start.

const KS = [0.01, 0.1, 0.5, 1]; // the smoothing values the n-gram baselines are tried with

/** The validation lines whose every token occurs in the training part (a new word has no probability at all). */
function usable(probe, lines) {
  const vocab = new Set(probe.vocab);
  const kept = [];
  const dropped = [];
  for (const line of lines) {
    const unknown = probe.segment(line).find((token) => !vocab.has(token));
    if (unknown === undefined) kept.push(line);
    else dropped.push({ line, token: unknown });
  }
  return { kept, dropped };
}

/** The `top` most likely next tokens at each position of `line`, with their probabilities. */
function nextTokens(gpt, line, top) {
  const all = gpt.distributions(line);
  const vocab = gpt.vocab;
  const V = vocab.length;
  return gpt.tokens(line).map((_, i) => {
    const row = all.subarray(i * V, (i + 1) * V);
    const order = Array.from(row.keys()).sort((a, b) => row[b] - row[a]).slice(0, top);
    return order.map((j) => ({ token: vocab[j], p: row[j] }));
  });
}

const strip = (list) => list.map(({ task, input, label }) => ({ task, input, label }));

/** Fine-tunes a copy of `gpt` with `lambda`: its accuracies, its LM loss on `val` after, and its two loss curves. */
function fineTuneCopy(gpt, { train, test, val, options, lambda }) {
  const copy = gpt.clone();
  try {
    const started = performance.now();
    const curves = copy.fineTune(strip(train), 2, { ...options, lambda });
    return {
      lambda,
      accuracy: copy.accuracy(strip(test)),
      trainAccuracy: copy.accuracy(strip(train)),
      lm: copy.loss(val),
      taskLoss: curves.taskLoss,
      lmLoss: curves.lmLoss,
      ms: performance.now() - started,
    };
  } finally {
    copy.free();
  }
}

/** The table of requests over `api` (the transformer module's glue: TinyGpt and NgramModel). */
export function gptRequests({ TinyGpt, NgramModel }) {
  let model = null;
  let val = ''; // the held-out lines the model never trains on
  let steps = 0;
  // early stopping: a copy of the model at its lowest validation loss so far, to return to once it overfits
  let best = null;
  let bestStep = 0;
  let bestVal = Infinity;

  /** Forgets the best copy (a new model, or none). */
  function forgetBest() {
    best?.free();
    best = null;
    bestStep = 0;
    bestVal = Infinity;
  }

  function need() {
    if (!model) throw new Error('there is no model yet: press Train first');
    return model;
  }

  /** The best validation loss of n-gram models of each order over the smoothing values KS, on the same split. */
  function baselines(train, text, cut) {
    return [2, 3, 4].map((order) => {
      const ngram = new NgramModel(train, { ...cut, order });
      try {
        const losses = [...ngram.losses(text, KS)];
        const best = losses.indexOf(Math.min(...losses));
        return { order, k: KS[best], loss: losses[best] };
      } finally {
        ngram.free();
      }
    });
  }

  return {
    /**
     * The rows a model made from `train` cut by `cut` would have (its vocabulary's size), before one is made: what
     * Part D's picture of the model says before training.
     */
    vocabSize({ train, cut }) {
      const probe = new NgramModel(train, { ...cut, order: 1 });
      try {
        return probe.vocab.length;
      } finally {
        probe.free();
      }
    },

    /** A fresh model of `train`, the n-gram lines on the same split, and the loss before any step. */
    create({ train, held, options }) {
      model?.free();
      model = null;
      steps = 0;
      forgetBest();
      const cut = { tokenizer: options.tokenizer, boundaries: options.boundaries };
      if (options.merges !== undefined) cut.merges = options.merges;
      const probe = new NgramModel(train, { ...cut, order: 1 });
      let split;
      try {
        split = usable(probe, held);
      } finally {
        probe.free();
      }
      if (!split.kept.length) {
        const first = split.dropped[0];
        throw new Error(`no validation line is usable: “${first.line}” has the token “${first.token}”, which the training part never has`);
      }
      val = split.kept.join('\n');
      model = new TinyGpt(train, options);
      return {
        parameters: model.parameters,
        shape: model.shape,
        vocab: model.vocab.length,
        valLines: split.kept.length,
        dropped: split.dropped.slice(0, 3),
        droppedCount: split.dropped.length,
        baselines: baselines(train, val, cut),
        val: model.loss(val),
      };
    },

    /**
     * `count` optimisation steps; the last batch's training loss, the validation loss after them, and the best
     * validation loss so far with its step (a copy of the model there is kept).
     */
    train({ count }) {
      const train = need().step(count);
      steps += count;
      const now = model.loss(val);
      if (now < bestVal) {
        best?.free();
        best = model.clone();
        bestStep = steps;
        bestVal = now;
      }
      return { step: steps, train, val: now, best: { step: bestStep, val: bestVal } };
    },

    /** Early stopping: the model becomes its copy at the best validation loss; training can go on from there. */
    rewind() {
      if (!best) throw new Error('there is no best step yet: train first');
      model.free();
      model = best.clone();
      steps = bestStep;
      return { step: steps, val: bestVal };
    },

    /** The model's weights as a safetensors file (Download weights). */
    weights() {
      return need().toSafetensors();
    },

    /** A model from a safetensors file (Load weights), in place of the current one; it has no corpus. */
    load({ bytes }) {
      const loaded = TinyGpt.fromSafetensors(bytes);
      model?.free();
      model = loaded;
      steps = 0;
      val = '';
      return { parameters: model.parameters, shape: model.shape, hasVocabulary: model.hasVocabulary };
    },

    sample({ count, options }) {
      return need().generateMany(count, options);
    },

    /** What the model sees for `line`, one head's attention weights, and the top next tokens at each position. */
    inspect({ line, layer, head, top }) {
      const gpt = need();
      return { tokens: gpt.tokens(line), attention: gpt.attention(line, layer, head), next: nextTokens(gpt, line, top) };
    },

    /** Each example's text must be made of the model's tokens: says which line is not. */
    check({ examples }) {
      const gpt = need();
      examples.forEach((example, i) => {
        const texts = example.task === 'entailment' ? [example.input.premise, example.input.hypothesis] : [example.input.text];
        for (const text of texts) {
          try {
            gpt.tokens(text);
          } catch (error) {
            throw new Error(`line ${example.line ?? i + 1}: ${error.message}`);
          }
        }
      });
      return true;
    },

    /** Fine-tunes two copies of the pre-trained model, one per λ, with the same seed and steps. */
    fineTune({ train, test, lambdas, options }) {
      const gpt = need();
      return { before: gpt.loss(val), runs: lambdas.map((lambda) => fineTuneCopy(gpt, { train, test, val, options, lambda })) };
    },
  };
}
