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

# the second module, loaded on demand: the same core plus the trainable transformer (feature gpt), with wasm SIMD;
# its own target directory keeps both builds cached
CARGO_TARGET_DIR=target/gpt RUSTFLAGS="-C target-feature=+simd128" \
  cargo build --release --target wasm32-unknown-unknown --features gpt
wasm-bindgen --target web --out-dir www/pkg --out-name gpt1_playground_gpt \
  target/gpt/wasm32-unknown-unknown/release/gpt1_playground.wasm
node_modules/.bin/wasm-opt -O3 --strip-debug --strip-producers --enable-simd \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue \
  www/pkg/gpt1_playground_gpt_bg.wasm -o www/pkg/gpt1_playground_gpt_bg.wasm

for f in www/pkg/gpt1_playground_bg.wasm www/pkg/gpt1_playground_gpt_bg.wasm; do
  printf '[build] %s: %s bytes, %s gzipped\n' "$f" "$(wc -c < "$f")" "$(gzip -9c "$f" | wc -c)"
done
