// The on-demand API with the tiny transformer: everything the core exports, plus TinyGpt. generate and
// generateMany accept either kind of model, as the n-gram ones do.
import init, * as core from './pkg/gpt1_playground_gpt.js';

export * from './pkg/gpt1_playground_gpt.js';
export default init;

/** Samples one sequence from an NgramModel or a TinyGpt (same options, same seed stream). */
export function generate(model, options) {
  return model instanceof core.TinyGpt ? model.generate(options) : core.generate(model, options);
}

/** `count` samples from one seeded stream, from an NgramModel or a TinyGpt. */
export function generateMany(model, count, options) {
  return model instanceof core.TinyGpt ? model.generateMany(count, options) : core.generateMany(model, count, options);
}
