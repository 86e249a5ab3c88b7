// The answering side of the engine's protocol (engine.js), the same in a worker and on the page thread: a request
// { id, type, …payload } is looked up in a model kind's table of requests and answered { id, ok, value | error }.
// A trap (WebAssembly.RuntimeError) is not answered: it is thrown, and the transport replaces the wasm instance.
// A handler may return a Promise (reading a file, the browser's storage): its answer is sent once it settles.

/** Whether an error is a wasm trap (unreachable, out of bounds, stack overflow …), not one of the core's Errors. */
export const isTrap = (error) => error instanceof WebAssembly.RuntimeError;

/** The answer for a request that failed with `error` (not a trap). */
const refusal = (id, error) => ({ id, ok: false, error: error instanceof Error ? error.message : String(error) });

/** Answers one request from `requests` (name → fn(payload)); a trap is thrown, any other error is an answer. */
export function answer(requests, { id, type, ...payload }) {
  try {
    const handler = Object.hasOwn(requests, type) ? requests[type] : null;
    if (!handler) throw new Error(`unknown request ${type}`);
    return { id, ok: true, value: handler(payload) };
  } catch (error) {
    if (isTrap(error)) throw error;
    return refusal(id, error);
  }
}

/**
 * The reply itself when its value is not a Promise (answered within the same task); otherwise a Promise of the
 * reply once the value settles, rejecting with a trap (which is not an answer).
 */
export function settle(reply) {
  if (!reply.ok || typeof reply.value?.then !== 'function') return reply;
  return reply.value.then((value) => ({ id: reply.id, ok: true, value }), (error) => {
    if (isTrap(error)) throw error;
    return refusal(reply.id, error);
  });
}

/** The buffers of the typed arrays in an answer (two levels deep), moved to the page instead of copied. */
function buffers(value, depth = 2) {
  if (ArrayBuffer.isView(value)) return [value.buffer];
  if (!value || typeof value !== 'object' || depth === 0) return [];
  return Object.values(value).flatMap((part) => buffers(part, depth - 1));
}

/**
 * A worker's side: the first message, `init`, brings the compiled wasm module; `glue` (the wasm-bindgen module)
 * instantiates it and `kind(glue)` makes the kind's table of requests. Every later message is answered from it.
 */
export function listen(scope, glue, kind) {
  let requests = null;
  scope.addEventListener('message', ({ data }) => {
    if (data.type === 'init') {
      glue.initSync({ module: data.module });
      requests = kind(glue);
      scope.postMessage({ id: data.id, ok: true, value: true });
      return;
    }
    const post = (reply) => scope.postMessage(reply, buffers(reply.value));
    const reply = settle(answer(requests, data));
    if (!(reply instanceof Promise)) post(reply);
    // a trap after an await is thrown again outside the Promise, where the worker's error event reports it
    else reply.then(post, (trap) => setTimeout(() => { throw trap; }));
  });
}
