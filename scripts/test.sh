#!/usr/bin/env bash
# One command: set up (first run only), lint, type-check, check import layers, and run the whole test suite.
# Extra arguments go to pytest.
source "$(dirname "$0")/bootstrap.sh" test
echo "== ruff";          .venv/bin/ruff check medauto tests bench tools
echo "== mypy";          .venv/bin/mypy medauto tools
echo "== import-linter"; .venv/bin/lint-imports
echo "== pytest"
set +e
.venv/bin/pytest "$@"
rc=$?
set -e
# pytest exits 5 when it collected no test: not a failure of the suite itself.
if [ "$rc" -eq 5 ]; then rc=0; fi
exit "$rc"
