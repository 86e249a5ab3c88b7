// The transformer's wasm (Part D's tiny GPT and Part E's GPT-1 both run on it), fetched and compiled once for the
// page when a lane that needs it is first added; every worker and instance of those lanes gets the compiled module.
import { GPT_WASM } from '../../assets/gpt.js';

let compiling = null;

/** The transformer's compiled WebAssembly.Module (a failed fetch or compile: the next call tries again). */
export function transformerModule() {
  compiling ??= WebAssembly.compileStreaming(fetch(GPT_WASM));
  compiling.catch(() => { compiling = null; });
  return compiling;
}
