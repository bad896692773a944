#!/usr/bin/env bash
# Builds the Node addon and puts it where the npm package loads it (js/agentphone.<platform>-<arch>.node).
#   scripts/node-build.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
if [ "${1:-}" = "--release" ]; then profile=release; fi
cargo build -q -p agentphone-node --locked $([ "$profile" = release ] && echo --release)
platform=$(node -p 'process.platform + "-" + process.arch')
cp "target/$profile/libagentphone_node.so" "js/agentphone.$platform.node"
