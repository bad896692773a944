#!/usr/bin/env bash
# Runs every check and test of agentphone-rs: formatting, lints, the generator check, the Rust
# tests, the core's wasm32 build, the Python and Node packages' tests, and the release artifacts
# installed as users install them. Installs what it needs first (scripts/install.sh, scripts/python-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "install"
bash scripts/install.sh

step "wasm build (Debian rustc-web with build-std, wasm-bindgen, wasm-opt) and its size: first, since the sandbox embeds it (its browser console) and the Node package falls back to it"
bash scripts/wasm-build.sh
bash scripts/wasm-size.sh

step "format"
cargo fmt --all -- --check

step "generated code is up to date"
cargo xtask codegen --check

step "clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests"
cargo test --workspace --doc --locked
if command -v cargo-nextest >/dev/null; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

step "Python package: build into .venv, then pytest (against the sandbox binary built above) and mypy --strict"
bash scripts/python-env.sh
cargo build -q -p agentphone-cli --locked
(cd py && ../.venv/bin/python -m pytest -q -p no:cacheprovider tests)
.venv/bin/mypy --strict --no-incremental py/tests/typed_example.py py/agentphone_rs/webhooks.py py/agentphone_rs/testing.py py/agentphone_rs/pytest_plugin.py

step "Node package: build the addon, node --test (against the sandbox binary), tsc --strict on a typed example"
bash scripts/node-build.sh
(cd js && npm ci --no-audit --no-fund --loglevel=error && node --test test/*.test.mjs && npx --no-install tsc -p tsconfig.json)

step "the package on wasm: in Node, in headless Chromium, in workerd, in Deno"
(cd js && node --conditions=agentphone-wasm --test test/conformance.test.mjs test/hostile.test.mjs test/webhooks.test.mjs test/tools.test.mjs test/readme.test.mjs test/boundary.test.mjs test/responses.test.mjs test/models.test.mjs \
  && node --test test/web/*.test.mjs)

step "release artifacts (scripts/dist.sh: wheel, sdist, npm packages, their budgets), installed and run without Rust"
bash scripts/dist.sh
bash scripts/package-test.sh

step "the release workflow: GitHub's workflow schema (check-jsonschema) and zizmor's audits, offline"
.venv/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
.venv/bin/zizmor --offline --min-severity low .github/workflows/
