#!/usr/bin/env bash
# Installs the artifacts of scripts/dist.sh into clean places as users do, with no Rust toolchain
# (cargo, rustc, rustup and maturin are shadowed by commands that fail, and rustup's directory is
# off PATH), and runs the quickstarts against the sandbox inside the packages:
#   Python: a fresh venv, `pip install` of the wheel (timed), the README quickstart, a pytest file
#           using the plugin's fixtures, and the `agentphone demo` console script;
#   Node:   a fresh project with the main and platform tarballs (native), the README quickstart,
#           `npx agentphone` and the testing example under vitest and jest; a fresh project with the
#           main tarball only (wasm fallback).
#   scripts/package-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

wheel=$root/$(ls dist/python/*.whl)
main_tgz=$root/$(ls dist/npm/agentphone-rs-[0-9]*.tgz)
platform_tgz=$root/$(ls dist/npm/agentphone-rs-linux-x64-gnu-*.tgz)

mkdir "$work/no-rust"
for tool in cargo rustc rustup maturin; do
  printf '#!/bin/sh\necho "%s: not available: the packages must install and run without Rust" >&2\nexit 127\n' "$tool" >"$work/no-rust/$tool"
  chmod +x "$work/no-rust/$tool"
done
PATH="$work/no-rust:$(tr ':' '\n' <<<"$PATH" | grep -v '/\.cargo/bin' | paste -sd:)"
export PATH
unset AGENTPHONE_API_KEY AGENTPHONE_BASE_URL AGENTPHONE_BUILD
! command -v cargo >/dev/null 2>&1 || [ "$(command -v cargo)" = "$work/no-rust/cargo" ]

# A README's first code block of a language (the quickstart), or the first one containing a marker.
block() { # FILE LANG [MARKER]
  python3 - "$@" <<'PY'
import re, sys
path, lang, marker = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else "")
blocks = re.findall(rf"```{lang}\n(.*?)```", open(path).read(), re.S)
print(next(b for b in blocks if marker in b), end="")
PY
}

echo "==> Python: a fresh venv and the wheel"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "pytest==9.2.0"
start=$(date +%s%N)
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check --no-index "$wheel"
echo "  pip install of $(basename "$wheel"): $(( ($(date +%s%N) - start) / 1000000 )) ms"
cd "$work"
block "$root/py/README.md" python >quickstart.py
"$work/venv/bin/python" quickstart.py | tee quickstart.out
grep -qE '^msg_\w+ sms \+14155550100$' quickstart.out && tail -1 quickstart.out | grep -qx '404 Agent not found'
block "$root/py/README.md" python "def test_" >test_with_plugin.py
cat >>test_with_plugin.py <<'PY'


def test_projects_are_isolated(agentphone_sandbox, agentphone_client):
    agentphone_client.agents.create(name="Ava")
    with agentphone_sandbox.project().client() as other:
        assert list(other.agents.list_all()) == []
PY
"$work/venv/bin/python" -m pytest -q -p no:cacheprovider test_with_plugin.py
"$work/venv/bin/agentphone" demo >demo.out
tail -2 demo.out
"$work/venv/bin/python" -m agentphone_rs --version
"$work/venv/bin/python" - <<'PY'
import urllib.request
from agentphone_rs.testing import Sandbox
with Sandbox() as sandbox, urllib.request.urlopen(sandbox.base_url + "/console/") as page:
    assert page.status == 200 and b'type="importmap"' in page.read(), "the wheel's sandbox serves its console"
print("  the wheel's sandbox serves the browser console")
PY

echo "==> Node: a fresh project with the main and the linux-x64-gnu packages (native)"
mkdir "$work/node-native" && cd "$work/node-native"
npm init -y >/dev/null
start=$(date +%s%N)
npm install -q --no-audit --no-fund --loglevel=error "$main_tgz" "$platform_tgz"
echo "  npm install of both tarballs: $(( ($(date +%s%N) - start) / 1000000 )) ms"
block "$root/js/README.md" js >quickstart.mjs
node quickstart.mjs | tee quickstart.out
grep -qE '^msg_\w+ sms \+14155550100$' quickstart.out && tail -1 quickstart.out | grep -qx '404 Agent not found'
[ "$(node -p "require('agentphone-rs').BUILD")" = native ]
npx --no-install agentphone --version
# The README's testing example, as written under vitest, and under jest in its ESM mode.
npm install -q --no-audit --no-fund --loglevel=error "vitest@4.1.12" "jest@30.5.2"
block "$root/js/README.md" "js vitest" >sandbox.vitest.test.mjs
sed "s/from 'vitest'/from '@jest\/globals'/" sandbox.vitest.test.mjs >sandbox.jest.test.mjs
npx --no-install vitest run sandbox.vitest.test.mjs
NODE_OPTIONS=--experimental-vm-modules npx --no-install jest --testMatch '**/*.jest.test.mjs' 2>&1 | grep -v ExperimentalWarning

echo "==> Node: the main package alone (no platform package: the wasm build)"
mkdir "$work/node-wasm" && cd "$work/node-wasm"
npm init -y >/dev/null
npm install -q --no-audit --no-fund --loglevel=error "$main_tgz"
[ ! -e node_modules/agentphone-rs-linux-x64-gnu ]
[ "$(node -p "require('agentphone-rs').BUILD")" = wasm ]
# The quickstart's client half, against the native project's sandbox: the same calls on wasm.
cat >wasm.mjs <<'JS'
import { AgentPhone, BUILD, NotFoundError } from 'agentphone-rs';
const client = new AgentPhone({ apiKey: process.env.KEY, baseUrl: process.env.URL });
const agent = await client.agents.create({ name: 'Ava', voiceMode: 'hosted' });
await client.numbers.buy({ areaCode: '415', agentId: agent.id });
const sent = await client.messages.send({ agentId: agent.id, toNumber: '(415) 555-0100', body: 'hi' });
await client.agents.get('agt_missing').catch((error) => console.log(BUILD, sent.channel, error instanceof NotFoundError));
JS
cat >serve.mjs <<'JS'
import { startSandbox } from 'agentphone-rs/testing';
const sandbox = await startSandbox();
console.log(JSON.stringify({ url: sandbox.baseUrl, key: sandbox.apiKey }));
process.stdin.resume();
process.stdin.on('end', () => sandbox.close());
JS
cp serve.mjs "$work/node-native/serve.mjs"
coproc SERVE { cd "$work/node-native" && node serve.mjs; }
read -r line <&"${SERVE[0]}"
url=$(node -p "JSON.parse(process.argv[1]).url" "$line")
key=$(node -p "JSON.parse(process.argv[1]).key" "$line")
out=$(URL=$url KEY=$key node wasm.mjs)
node -e "fetch(process.argv[1]).then(async (r) => { if (r.status !== 200 || !(await r.text()).includes('type=\"importmap\"')) process.exit(1); })" "$url/console/"
echo "  the addon's sandbox serves the browser console"
exec {SERVE[1]}>&-
wait "$SERVE_PID" || true
echo "  $out"
[ "$out" = "wasm sms true" ]
echo "==> the packages install and run without Rust"
