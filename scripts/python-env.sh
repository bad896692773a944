#!/usr/bin/env bash
# The Python environment of the tests: a venv in .venv with the pinned tools, and the package
# built from source into it (maturin develop: the Rust extension plus the py/ sources).
# Idempotent: the tools are installed once, the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

# `venv` itself ships with Python; `ensurepip`, which it needs, is Debian's python3-venv.
python3 -c 'import ensurepip' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
# A venv without pip (a failed earlier attempt) is rebuilt.
[ -x .venv/bin/pip ] || { rm -rf .venv && python3 -m venv .venv; }
.venv/bin/python -m pip install -q --disable-pip-version-check "maturin==1.16.0" "pytest==9.2.0" "mypy==2.4.1" "mcp==2.3.0" "jsonschema==4.26.0" \
  "gunicorn==27.0.1" "uvicorn==0.54.0" "celery==5.7.0" "redis==8.1.0" "zizmor==1.32.0" "check-jsonschema==0.39.0" \
  "fastapi==0.165.0" "flask==3.1.3" "django==5.2.19" "httpx==0.28.1"
# maturin's progress lines are noise; its failure is not (pipefail keeps its status; grep's
# "nothing left to print" is not a failure).
(cd py && ../.venv/bin/maturin develop --quiet 2>&1 | { grep -vE '^(📦|🔗|✏️|🛠|🐍|⚠️)' || true; })
.venv/bin/python -c "import agentphone_rs" || { echo "error: the Python package did not build" >&2; exit 1; }
