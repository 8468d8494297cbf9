#!/usr/bin/env bash
# One command: set up (first run only) and serve with embedded defaults. Extra arguments go to `medauto serve`.
source "$(dirname "$0")/bootstrap.sh" ""
exec .venv/bin/medauto serve "$@"
