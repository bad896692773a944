#!/usr/bin/env bash
# Fuzzes the core with cargo-fuzz (libFuzzer): response decoding for every operation, error
# bodies, webhook verification and parsing, voice replies, E.164, arguments, SSE, and the
# sandbox's router under requests of any shape. Each target runs for SECONDS
# (default 600) and the script prints each one's runs and what it found; a crash leaves its
# input under crates/agentphone/fuzz/artifacts/<target>/ and fails the script.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
#
# libFuzzer needs a nightly compiler (sanitizer flags); without a nightly toolchain the stable
# one is used with RUSTC_BOOTSTRAP=1. Not part of scripts/test.sh: it is a long, separate run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
fuzz_dir=crates/agentphone/fuzz

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  cargo=(cargo +nightly)
else
  export RUSTC_BOOTSTRAP=1
  cargo=(cargo)
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <("${cargo[@]}" fuzz list --fuzz-dir "$fuzz_dir")
fi
"${cargo[@]}" fuzz build -O --fuzz-dir "$fuzz_dir"

mkdir -p target/fuzz-logs
failed=0
for target in "${targets[@]}"; do
  log=target/fuzz-logs/$target.log
  corpus=$fuzz_dir/corpus/$target
  mkdir -p "$corpus"
  if "${cargo[@]}" fuzz run -O --fuzz-dir "$fuzz_dir" "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 >"$log" 2>&1; then
    summary=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1)
    echo "$target: ${summary:-finished} (corpus $(ls "$corpus" | wc -l) inputs); no crash"
  else
    failed=1
    echo "$target: FAILED, see $log"
    grep -E 'panicked|ERROR: libFuzzer|Test unit written' "$log" | head -5
  fi
done
exit $failed
