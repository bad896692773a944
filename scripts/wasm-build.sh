#!/usr/bin/env bash
# Builds the wasm half of the npm package into js/wasm/ (the module and its ES-module glue);
# scripts/wasm-size.sh then checks its size. Needs the toolchain of scripts/install.sh (Debian's rustc-web with
# build-std, wasm-bindgen-cli at the Cargo.lock version, wasm-opt from npm binaryen).
#   scripts/wasm-build.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# rustup's proxies come first on PATH and have no wasm32 std: use Debian's toolchain explicitly.
# A panic on wasm32 aborts anyway; `immediate-abort` also drops the panic-message machinery,
# `location-detail=none` the source locations nothing prints, and std is built for size.
RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTUP_DIST_SERVER=http://127.0.0.1:9 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
  /usr/bin/cargo build -q -p agentphone-wasm --locked --target wasm32-unknown-unknown \
  -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size --profile wasm-release --target-dir target/wasm

wasm-bindgen --target web --no-typescript --out-dir js/wasm --out-name agentphone_wasm \
  target/wasm/wasm32-unknown-unknown/wasm-release/agentphone_wasm.wasm
wasm-opt -Oz --strip-debug --strip-producers js/wasm/agentphone_wasm_bg.wasm -o js/wasm/agentphone_wasm_bg.wasm
