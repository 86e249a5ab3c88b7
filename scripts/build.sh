#!/usr/bin/env bash
# Builds the wasm module for the page: cargo (release) → wasm-bindgen --target web → wasm-opt -Oz, into www/pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir www/pkg target/wasm32-unknown-unknown/release/gpt1_playground.wasm
# binaryen from npm: Debian's wasm-opt 108 silently corrupts wasm-bindgen's output
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue \
  www/pkg/gpt1_playground_bg.wasm -o www/pkg/gpt1_playground_bg.wasm
printf '[build] www/pkg/gpt1_playground_bg.wasm: %s bytes, %s gzipped\n' \
  "$(wc -c < www/pkg/gpt1_playground_bg.wasm)" "$(gzip -9c www/pkg/gpt1_playground_bg.wasm | wc -c)"
