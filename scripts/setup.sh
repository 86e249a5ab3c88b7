#!/usr/bin/env bash
# Installs whatever building (`setup.sh build`) or testing (`setup.sh test`) needs and is missing.
# Idempotent: when everything is present it only checks, in a few seconds.
set -euo pipefail
usage='usage: bash scripts/setup.sh [build|test]   (build: what building needs, the default; test: what testing needs too)'
case "$#:${1:-}" in
  0:|1:build|1:test) ;;
  1:-h|1:--help) echo "$usage"; exit 0 ;;
  *) printf 'scripts/setup.sh: %s is not build or test\n%s\n' "$*" "$usage" >&2; exit 2 ;;
esac
mode=${1:-build}
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
fail() { printf '[setup] cannot continue: %s\n' "$*" >&2; exit 1; }

# --- Rust and its wasm target ------------------------------------------------------------------
command -v cargo >/dev/null || fail "Rust is not installed. Install rustup (see rustup.rs), then run this again."
if command -v rustup >/dev/null; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # the page's build recompiles the standard library for size (scripts/build.sh)
  if ! rustup component list --installed | grep -q "^rust-src"; then
    say "adding the rust-src component"
    rustup component add rust-src
  fi
  if [ "$mode" = test ]; then
    for component in rustfmt clippy; do
      if ! rustup component list --installed | grep -q "^$component"; then
        say "adding the $component component"
        rustup component add "$component"
      fi
    done
  fi
else
  rustc --print target-libdir --target wasm32-unknown-unknown >/dev/null 2>&1 \
    || fail "the wasm32-unknown-unknown target is missing and there is no rustup to add it."
  [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ] \
    || fail "the standard library's source (rust-src) is missing and there is no rustup to add it."
fi

# --- wasm-bindgen CLI, exactly the version of the wasm-bindgen crate in Cargo.lock --------------
want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
[ -n "$want" ] || fail "Cargo.lock names no wasm-bindgen version."
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (have: ${have:-none}); this takes a few minutes once"
  # not --locked: the CLI's own lock file pins a crate release the registry no longer serves
  cargo install wasm-bindgen-cli --version "$want"
fi

# --- npm packages (wasm-opt from binaryen; playwright-core drives the page tests) --------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi

[ "$mode" = test ] || exit 0

# --- browsers and their drivers for the wasm and page tests -------------------------------------
packages=(chromium chromium-driver firefox-esr)
absent=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || absent+=("$p")
done
if [ ${#absent[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${absent[*]} from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${absent[@]}" >/dev/null
  else
    fail "missing Debian packages: ${absent[*]}. Install them with: sudo apt-get install -y ${absent[*]}"
  fi
fi
if ! command -v cargo-fuzz >/dev/null; then
  say "installing cargo-fuzz from crates.io; this takes a few minutes once"
  cargo install cargo-fuzz --locked
fi
if ! command -v geckodriver >/dev/null; then
  say "installing geckodriver from crates.io; this takes a few minutes once"
  cargo install geckodriver --locked
fi
say "all set"
