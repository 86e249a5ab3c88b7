#!/usr/bin/env bash
# Builds the wasm module for the page: cargo (release) → wasm-bindgen --target web → wasm-opt -Oz, into www/pkg/.
set -euo pipefail
# it takes no arguments: --help says what it does, anything else is refused before any work
if [ $# -gt 0 ]; then
  case $1 in
    -h|--help) echo 'usage: bash scripts/build.sh   (Builds the wasm modules for the page into www/pkg/. It takes no arguments.)'; exit 0 ;;
    *) printf 'scripts/build.sh: takes no arguments, not %s (bash scripts/build.sh --help)\n' "$*" >&2; exit 2 ;;
  esac
fi
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# The page's modules are built with the standard library recompiled for size (-Z build-std, from the rust-src
# component) and panic=immediate-abort: a panic is a bare trap, with none of std's message formatting and location
# strings (about 7 KB of the 60 KB gzipped budget). The page already recovers from a trap (www/engine/), and the
# tests' wasm builds keep the ordinary std, whose panic hook names the failure. These are unstable flags, so the
# stable toolchain is told to accept them (RUSTC_BOOTSTRAP); each build has its own target directory, so the other
# builds (tests, clippy) keep their caches.
page_build() { # $1: target directory, then extra cargo arguments
  local dir=$1; shift
  RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$dir RUSTFLAGS="${RUSTFLAGS:-} -Zunstable-options -Cpanic=immediate-abort" \
    cargo build --release --target wasm32-unknown-unknown -Z build-std=std,panic_abort "$@"
}

page_build target/page
wasm-bindgen --target web --out-dir www/pkg target/page/wasm32-unknown-unknown/release/gpt1_playground.wasm
# binaryen from npm: Debian's wasm-opt 108 silently corrupts wasm-bindgen's output
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue \
  www/pkg/gpt1_playground_bg.wasm -o www/pkg/gpt1_playground_bg.wasm

# the second module, loaded on demand: the same core plus the trainable transformer (feature gpt), with wasm SIMD
RUSTFLAGS="-C target-feature=+simd128" page_build target/gpt --features gpt
wasm-bindgen --target web --out-dir www/pkg --out-name gpt1_playground_gpt \
  target/gpt/wasm32-unknown-unknown/release/gpt1_playground.wasm
node_modules/.bin/wasm-opt -O3 --strip-debug --strip-producers --enable-simd \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue \
  www/pkg/gpt1_playground_gpt_bg.wasm -o www/pkg/gpt1_playground_gpt_bg.wasm

for f in www/pkg/gpt1_playground_bg.wasm www/pkg/gpt1_playground_gpt_bg.wasm; do
  printf '[build] %s: %s bytes, %s gzipped\n' "$f" "$(wc -c < "$f")" "$(gzip -9c "$f" | wc -c)"
done
