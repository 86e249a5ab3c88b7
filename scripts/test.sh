#!/usr/bin/env bash
# Runs every test layer, reports each, and fails if any failed. `npm test` runs the set-up first.
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

passed=() failed=()
layer() {
  local name=$1; shift
  printf '\n\033[1m=== %s ===\033[0m\n' "$name"
  if "$@"; then passed+=("$name"); else failed+=("$name"); fi
}

wasm_tests() { # $1: node | chrome | firefox
  case $1 in
    node) env -u WASM_BINDGEN_USE_BROWSER -u GECKODRIVER -u CHROMEDRIVER \
            cargo test --target wasm32-unknown-unknown --all-features --test wasm ;;
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
layer "wasm-bindgen tests in headless Chromium" wasm_tests chrome
layer "wasm-bindgen tests in headless Firefox" wasm_tests firefox
layer "fuzzing (cargo fuzz, ${FUZZ_SECONDS:-30} s per target)" bash scripts/fuzz.sh
layer "build (wasm-bindgen --target web, wasm-opt)" bash scripts/build.sh
layer "size budget (dist/, gzipped: first load ≤ 100 KB, core wasm ≤ 60 KB)" size_budget
layer "JS API tests (Node, built module)" node --test tests/js/
layer "page tests (Playwright, headless Chromium)" node --test tests/e2e/
layer "dist/, iframe embed, single file, npm package (Chromium, Firefox, Vite)" node --test tests/dist/

printf '\n\033[1m=== summary ===\033[0m\n'
for name in "${passed[@]}"; do printf '  ok    %s\n' "$name"; done
for name in "${failed[@]}"; do printf '  FAIL  %s\n' "$name"; done
printf 'layers: %d passed, %d failed\n' "${#passed[@]}" "${#failed[@]}"
[ ${#failed[@]} -eq 0 ]
