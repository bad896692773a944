#!/usr/bin/env bash
# Installs what building and testing agentphone-rs needs on a fresh Debian machine with rustup's
# cargo. Idempotent: fast when everything is there.
#
#   scripts/install.sh          Rust components and the wasm32 toolchain
set -euo pipefail

log() { printf '==> %s\n' "$*" >&2; }
export DEBIAN_FRONTEND=noninteractive

# rustfmt and clippy come with the machine's rustup toolchain; say clearly if they do not.
for tool in rustfmt cargo-clippy; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing from the Rust toolchain" >&2; exit 1; }
done

# wasm32: Debian's rustc-web builds std for wasm32 from source (-Zbuild-std); rust-lld needs lld-22.
# (rustup's wasm target cannot be downloaded on these machines.)
apt_packages=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
