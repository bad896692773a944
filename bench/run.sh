#!/usr/bin/env bash
# Benchmarks side by side with the official SDKs, on one loopback sandbox. Not a test: it prints
# tables, then the targets of bench/RESULTS.md judged on this run. Builds release artifacts,
# installs the official packages (PyPI `agentphone`, npm `agentphone`) into a throwaway directory,
# and needs wrk (apt) for the sandbox row and Chromium for the browser row.
#   bash bench/run.sh           the full run (about 10 minutes here, builds included)
#   bash bench/run.sh --quick   fewer samples, no 100,000-call memory slopes, no wrk
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-}
work=$(mktemp -d /tmp/agentphone-bench.XXXXXX)
trap 'kill $(cat "$work/sandbox.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

echo "building release artifacts..." >&2
cargo build -q --release -p agentphone-cli --locked
bash scripts/node-build.sh --release
[ -f js/wasm/agentphone_wasm_bg.wasm ] || bash scripts/wasm-build.sh
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check "maturin==1.16.0" "agentphone==0.20.3" "httpx==0.28.1"
(cd py && "$work/venv/bin/maturin" build --release --quiet --out "$work/wheels" >/dev/null 2>&1)
"$work/venv/bin/pip" install -q "$work"/wheels/*.whl
mkdir -p "$work/node/node_modules" && echo '{"private":true}' > "$work/node/package.json"
(cd "$work/node" && npm install --silent --no-audit --no-fund agentphone@1.0.17 2>/dev/null)
ln -s "$PWD/js" "$work/node/node_modules/agentphone-rs"

target/release/agentphone sandbox --port 0 > "$work/sandbox.log" & echo $! > "$work/sandbox.pid"
for _ in $(seq 50); do grep -q http "$work/sandbox.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/sandbox.log" | head -1)

echo "machine: $(nproc) cores, $(uname -m), $(python3 --version), node $(node --version)"
echo
"$work/venv/bin/python" bench/python_bench.py "$url" "$work/python.json" $quick
echo
node bench/node_bench.mjs "$url" "$work/node" "$work/node.json" $quick
echo
cargo run -q --release -p agentphone --example latency -- "$url" "$work/rust.json" $quick
echo
size=$(bash scripts/wasm-size.sh)
echo "$size"
gzipped=$(echo "$size" | sed -E 's/.*: ([0-9]+) B = .*/\1/')
chromium=$(node bench/chromium_bench.mjs "$url" 2>/dev/null || echo '{}')
echo "wasm build in Chromium: $chromium"
python3 -c 'import json, sys; d = json.loads(sys.argv[2]); d["gzipped"] = int(sys.argv[1]); print(json.dumps(d))' "$gzipped" "$chromium" > "$work/wasm.json"
echo
python3 bench/targets.py "$work/python.json" "$work/node.json" "$work/rust.json" "$work/wasm.json"
echo
if [ "$quick" = --quick ]; then
  :
elif command -v wrk >/dev/null; then
  curl -s -o /dev/null -H 'authorization: Bearer sk_test_bench_wrk' -H 'content-type: application/json' -d '{"name":"Bench"}' "$url/v1/agents"
  rps=$(wrk -t2 -c32 -d10s -H 'authorization: Bearer sk_test_bench_wrk' "$url/v1/agents" | awk '/Requests\/sec/ {print $2}')
  echo "| Sandbox | requests/s |"
  echo "|---|---|"
  echo "| GET /v1/agents, wrk -t2 -c32 -d10s | $rps |"
else
  echo "(wrk not installed: apt-get install wrk for the sandbox row)"
fi
