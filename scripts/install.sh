#!/usr/bin/env bash
# Installs what building and testing agentphone-rs needs on a fresh Debian machine with rustup's
# cargo. Idempotent: fast when everything is there.
#
#   scripts/install.sh          Rust components, the wasm32 toolchain, Chromium for the browser test
set -euo pipefail

log() { printf '==> %s\n' "$*" >&2; }
export DEBIAN_FRONTEND=noninteractive

# rustfmt and clippy come with the machine's rustup toolchain; say clearly if they do not.
for tool in rustfmt cargo-clippy; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing from the Rust toolchain" >&2; exit 1; }
done

# wasm32: Debian's rustc-web builds std for wasm32 from source (-Zbuild-std); rust-lld needs lld-22.
# (rustup's wasm target cannot be downloaded on these machines.)
# Chromium (Debian's) runs the browser test; playwright-core drives it and never downloads one.
# redis-server is the Celery broker of the Python scale-out test.
apt_packages=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22 chromium redis-server)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen of Cargo.lock. `--locked` can fail when the
# registry lacks a locked dependency of the CLI; the CLI's own version stays pinned either way.
wasm_bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen" ]; then
  log "cargo install wasm-bindgen-cli $wasm_bindgen (a few minutes, once)"
  cargo install -q wasm-bindgen-cli --version "=$wasm_bindgen" --locked 2>/dev/null ||
    cargo install -q wasm-bindgen-cli --version "=$wasm_bindgen"
fi

# wasm-opt from npm's binaryen: Debian's (version 108) writes modules that fail to load.
binaryen=132.0.0
if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${binaryen%%.*}" ]; then
  log "npm binaryen@$binaryen (wasm-opt)"
  mkdir -p /opt/wasm-tools
  npm install -q --prefix /opt/wasm-tools "binaryen@$binaryen" --no-audit --no-fund --loglevel=error
  ln -sfn /opt/wasm-tools/node_modules/binaryen/bin/wasm-opt /usr/local/bin/wasm-opt
fi

# workerd (the Workers runtime) for the edge test; kept out of the package's lockfile, whose
# optional per-platform binaries this registry does not all serve.
workerd=1.20261117.1
if [ "$(node -p "require('/opt/wasm-tools/node_modules/workerd/package.json').version" 2>/dev/null)" != "$workerd" ]; then
  log "npm workerd@$workerd"
  mkdir -p /opt/wasm-tools
  npm install -q --prefix /opt/wasm-tools "workerd@$workerd" --no-audit --no-fund --loglevel=error
fi

# Deno for the Deno test, from the same place and for the same reason.
deno=2.9.6
if [ "$(node -p "require('/opt/wasm-tools/node_modules/deno/package.json').version" 2>/dev/null)" != "$deno" ]; then
  log "npm deno@$deno"
  mkdir -p /opt/wasm-tools
  npm install -q --prefix /opt/wasm-tools "deno@$deno" --no-audit --no-fund --loglevel=error
fi
