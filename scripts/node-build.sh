#!/usr/bin/env bash
# Builds the Node addon and puts it where the npm package loads a contributor's build
# (js/agentphone-rs.<napi platform>.node; released packages get it from agentphone-rs-<platform>).
#   scripts/node-build.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
if [ "${1:-}" = "--release" ]; then profile=release; fi
cargo build -q -p agentphone-node --locked $([ "$profile" = release ] && echo --release)
# A Linux build (a .so) with glibc: the napi-rs platform name linux-<arch>-gnu.
platform="linux-$(node -p process.arch)-gnu"
cp "target/$profile/libagentphone_node.so" "js/agentphone-rs.$platform.node"
