#!/usr/bin/env bash
# Runs every test layer, reports each with how long it took, and fails if any failed. `npm test` runs the set-up first.
set -uo pipefail
# it takes no arguments: --help says what it does, anything else is refused before any work
if [ $# -gt 0 ]; then
  case $1 in
    -h|--help) echo 'usage: bash scripts/test.sh   (Runs every test layer, reports each, and fails if any failed. It takes no arguments.)'; exit 0 ;;
    *) printf 'scripts/test.sh: takes no arguments, not %s (bash scripts/test.sh --help)\n' "$*" >&2; exit 2 ;;
  esac
fi
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

passed=() failed=() summary=()
started_all=$(date +%s%N)

took() { # nanoseconds since $1, as "4.2 s" or "3 min 07 s"
  local tenths=$(( ($(date +%s%N) - $1) / 100000000 ))
  if [ "$tenths" -lt 600 ]; then printf '%d.%d s' $((tenths / 10)) $((tenths % 10))
  else printf '%d min %02d s' $((tenths / 600)) $((tenths / 10 % 60)); fi
}

layer() { # a header line, the layer, then its header line again with how it went and how long it took
  local name=$1 started status time; shift
  printf '\n\033[1m=== %s ===\033[0m\n' "$name"
  started=$(date +%s%N)
  if "$@"; then status=ok; passed+=("$name"); else status=FAIL; failed+=("$name"); fi
  time=$(took "$started")
  printf '\033[1m=== %s: %s in %s ===\033[0m\n' "$name" "$status" "$time"
  summary+=("$(printf '  %-4s  %13s  %s' "$status" "$time" "$name")")
}

wasm_tests() { # $1: node | chrome | firefox
  case $1 in
    node) env -u WASM_BINDGEN_USE_BROWSER -u GECKODRIVER -u CHROMEDRIVER \
            cargo test --target wasm32-unknown-unknown --all-features --test wasm ;;
    simd) env -u WASM_BINDGEN_USE_BROWSER -u GECKODRIVER -u CHROMEDRIVER CARGO_TARGET_DIR=target/simd \
            RUSTFLAGS="-C target-feature=+simd128" cargo test --target wasm32-unknown-unknown --all-features --test wasm ;;
    chrome) env -u GECKODRIVER WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="$(command -v chromedriver)" \
            cargo test --target wasm32-unknown-unknown --all-features --test wasm ;;
    firefox) env -u CHROMEDRIVER WASM_BINDGEN_USE_BROWSER=1 GECKODRIVER="$(command -v geckodriver)" \
            cargo test --target wasm32-unknown-unknown --all-features --test wasm ;;
  esac
}

formatted() { cargo fmt --check && cargo fmt --check --manifest-path fuzz/Cargo.toml; }

size_budget() { # the static site built from this build, in a directory of its own: its first load and core wasm
  local dir status
  dir=$(mktemp -d) || return 1
  node scripts/dist.mjs "$dir" && node scripts/size.mjs "$dir" --strict
  status=$?
  rm -rf "$dir"
  return $status
}

layer "rustfmt" formatted
layer "clippy (native)" cargo clippy --all-targets --all-features -- -D warnings
layer "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --all-targets --all-features -- -D warnings
layer "core tests (native)" cargo test --all-features
layer "GPT-1 at full size (native, optimised)" cargo test --release --all-features --test core gpt1_full::
layer "wasm-bindgen tests in Node" wasm_tests node
layer "wasm-bindgen tests in Node, built with SIMD (the page's kernels)" wasm_tests simd
layer "wasm-bindgen tests in headless Chromium" wasm_tests chrome
layer "wasm-bindgen tests in headless Firefox" wasm_tests firefox
layer "fuzzing (cargo fuzz, ${FUZZ_SECONDS:-30} s per target)" bash scripts/fuzz.sh
layer "build (wasm-bindgen --target web, wasm-opt)" bash scripts/build.sh
layer "size budget (dist/, gzipped: first load ≤ 100 KB, core wasm ≤ 60 KB)" size_budget
layer "JS API tests (Node, built module)" node --test tests/js/
layer "page tests (Playwright, headless Chromium)" node --test tests/e2e/
layer "dist/, iframe embed, single file, npm package (Chromium, Firefox, Vite)" node --test tests/dist/

printf '\n\033[1m=== summary ===\033[0m\n'
printf '%s\n' "${summary[@]}"
printf 'layers: %d passed, %d failed, in %s\n' "${#passed[@]}" "${#failed[@]}" "$(took "$started_all")"
[ ${#failed[@]} -eq 0 ]
