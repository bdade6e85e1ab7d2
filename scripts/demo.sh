#!/usr/bin/env bash
# The recorded end-to-end demo: starts CliqMenu with fresh demo data (its own temp database and
# port) and drives Chromium through the whole story. Screenshots of every step and a video per
# screen go to demo-output/ (or --out DIR). Exits non-zero if any step fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"

bash scripts/bootstrap.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh

exec python -m demo.run_demo "$@"
