#!/usr/bin/env bash
# Prints what a browser downloads for the wasm build (the module plus its JS glue, gzipped) and
# fails above the budget.
#   scripts/wasm-size.sh
set -euo pipefail
cd "$(dirname "$0")/.."
budget=$((245 * 1024))
wasm=js/wasm/agentphone_wasm_bg.wasm
glue=js/wasm/agentphone_wasm.js
gz() { gzip -9 -c "$1" | wc -c; }
raw_wasm=$(wc -c < "$wasm"); gz_wasm=$(gz "$wasm")
raw_glue=$(wc -c < "$glue"); gz_glue=$(gz "$glue")
total=$((gz_wasm + gz_glue))
printf 'wasm build: module %d B (%d B gzipped), glue %d B (%d B gzipped): %d B = %.1f KiB gzipped (budget %d KiB)\n' \
  "$raw_wasm" "$gz_wasm" "$raw_glue" "$gz_glue" "$total" "$(awk "BEGIN { print $total / 1024 }")" $((budget / 1024))
if [ "$total" -gt "$budget" ]; then
  echo "the wasm build is $(( (total - budget) / 1024 )) KiB over its size budget" >&2
  exit 1
fi
