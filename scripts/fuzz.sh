#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (FUZZ_SECONDS each, default 30). A crash fails the run and
# leaves its input in fuzz/artifacts/<target>/: turn it into a regression test in tests/.
# cargo-fuzz needs nightly-only flags; RUSTC_BOOTSTRAP lets the one stable toolchain here accept them, and
# without a sanitizer (the core has no unsafe code) libFuzzer's coverage guidance is all that is used.
set -euo pipefail
# it takes no arguments: --help says what it does, anything else is refused before any work
if [ $# -gt 0 ]; then
  case $1 in
    -h|--help) echo 'usage: bash scripts/fuzz.sh   (Runs every cargo-fuzz target for FUZZ_SECONDS each (default 30). It takes no arguments.)'; exit 0 ;;
    *) printf 'scripts/fuzz.sh: takes no arguments, not %s (bash scripts/fuzz.sh --help)\n' "$*" >&2; exit 2 ;;
  esac
fi
cd "$(dirname "$0")/../fuzz"
export PATH="$HOME/.cargo/bin:$PATH"
seconds=${FUZZ_SECONDS:-30}
export RUSTC_BOOTSTRAP=1
cargo fuzz build --sanitizer none
for target in $(cargo fuzz list); do
  printf '[fuzz] %s for %ss\n' "$target" "$seconds"
  mkdir -p "corpus/$target"
  log=$(mktemp)
  status=0
  cargo fuzz run --sanitizer none "$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(Done|stat::number_of_executed_units)' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log"
    echo "[fuzz] $target found a failure (its input is in fuzz/artifacts/$target)"
    exit 1
  fi
  rm -f "$log"
done
echo "[fuzz] no failures"
