#!/usr/bin/env bash
# Builds the release artifacts into dist/, as users install them, and checks their budgets:
#   dist/python/  the abi3 wheel (CPython 3.9+, manylinux2014 x86_64) and the sdist
#   dist/npm/     agentphone-rs (JS, d.ts, the wasm build, the bin) and agentphone-rs-linux-x64-gnu
# The wheel and the addon each carry the sandbox and the `agentphone` command. Both link against
# glibc 2.17 through zig (ziglang from PyPI), not this machine's glibc, so they load on any
# distribution since CentOS 7 (manylinux2014), which is what maturin and napi-rs publish too.
# Other platforms come from .github/workflows/release.yml (see its header for why).
#
# `--cross` also builds Linux arm64 (glibc 2.17): the wheel and agentphone-rs-linux-arm64-gnu. rustup
# cannot download the aarch64 standard library here, so Debian's rustc-web (the wasm build's
# toolchain) compiles std from its rust-web-src (-Zbuild-std) and zig links. It roughly doubles the
# build time, so the test command leaves it out; musl targets are not built this way yet.
#   scripts/dist.sh [--cross]
set -euo pipefail
cd "$(dirname "$0")/.."
cross=false
[ "${1:-}" = "--cross" ] && cross=true

step() { printf '\n==> %s\n' "$*"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }

# The build tools, pinned, in the project's venv (scripts/python-env.sh makes it).
[ -x .venv/bin/pip ] || bash scripts/python-env.sh
.venv/bin/python -m pip install -q --disable-pip-version-check "maturin==1.16.0" "ziglang==0.17.1" "cargo-zigbuild==0.24.1" "auditwheel==6.8.2"
export PATH="$PWD/.venv/bin:$PATH"

rm -rf dist && mkdir -p dist/python dist/npm
# The wasm build first: the npm package carries it, and the sandbox in the wheel and the addons
# embeds it (its browser console).
[ -f js/wasm/agentphone_wasm_bg.wasm ] || bash scripts/wasm-build.sh

step "Python: the abi3 wheel (manylinux2014 through zig) and the sdist"
(cd py && maturin build --release --locked --zig --compatibility manylinux2014 --target x86_64-unknown-linux-gnu --out ../dist/python 2>&1 |
  { grep -E '^(📦 Built|💥|⚠️|error)' || true; })
# (maturin sdist first looks for a Cargo.toml beside pyproject.toml and says so; the manifest path
# in pyproject.toml is what it packs.)
(cd py && maturin sdist --out ../dist/python 2>&1 | { grep -E '^(📦 Built|💥)' || true; })
wheel=$(ls dist/python/*x86_64.whl)
auditwheel show "$wheel"

step "npm: the addon for linux-x64-gnu (glibc 2.17 through zig) and the packages"
# Its own target directory: maturin's zig settings differ from cargo-zigbuild's, and sharing one
# would rebuild everything on each switch.
cargo zigbuild -q --release --locked -p agentphone-node --target x86_64-unknown-linux-gnu.2.17 --target-dir target/dist-node
addons=(linux-x64-gnu=target/dist-node/x86_64-unknown-linux-gnu/release/libagentphone_node.so)

if $cross; then
  step "Linux arm64 (glibc 2.17): Debian's rustc-web with build-std, zig as the linker"
  # Debian's cargo and rustc, not rustup's proxies (which have no aarch64 std); std from source.
  root=$PWD
  arm64() { PATH="$root/.venv/bin:/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
    CARGO=/usr/bin/cargo CARGO_UNSTABLE_BUILD_STD=std,panic_abort CARGO_TARGET_DIR="$root/target/cross" "$@"; }
  (cd py && arm64 maturin build --release --locked --zig --compatibility manylinux2014 --target aarch64-unknown-linux-gnu --out ../dist/python 2>&1 |
    { grep -E '^(📦 Built|💥|error)' || true; })
  auditwheel show dist/python/*aarch64.whl
  arm64 cargo-zigbuild zigbuild -q --release --locked -p agentphone-node --target aarch64-unknown-linux-gnu.2.17
  addons+=(linux-arm64-gnu=target/cross/aarch64-unknown-linux-gnu/release/libagentphone_node.so)
fi
node scripts/npm-pack.mjs dist/npm "${addons[@]}"

step "sizes (budgets: wheel and each platform package 8 MB, the main npm package 1 MB)"
over=0
check() { # FILE BUDGET_BYTES
  local size; size=$(stat -c %s "$1")
  printf '  %-60s %10s  (budget %s)\n' "$(basename "$1")" "$(mib "$size")" "$(mib "$2")"
  if [ "$size" -gt "$2" ]; then echo "error: $(basename "$1") is over its budget" >&2; over=1; fi
}
for built in dist/python/*.whl; do check "$built" 8000000; done
for tarball in dist/npm/agentphone-rs-linux-*.tgz; do check "$tarball" 8000000; done
check "$(ls dist/npm/agentphone-rs-[0-9]*.tgz)" 1000000
printf '  %-60s %10s\n' "$(basename "$(ls dist/python/*.tar.gz)")" "$(mib "$(stat -c %s dist/python/*.tar.gz)")"
exit "$over"
