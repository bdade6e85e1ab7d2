#!/usr/bin/env bash
# Run CliqMenu with the demo data on one port (production build): http://localhost:${PORT:-3000}
# The database is REFLEX_DB_URL (default: SQLite under ./data).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"

bash scripts/bootstrap.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh

PORT="${PORT:-3000}"

cliqmenu migrate
cliqmenu seed-demo

URL="http://localhost:${PORT}"
# Pages of this address (and of 127.0.0.1 in dev) may open the websocket; docs/operations.md.
export CLIQMENU_PUBLIC_URL="${CLIQMENU_PUBLIC_URL:-${URL}}"
python - "${URL}" <<'PY'
import sys

from cliqmenu import demo_data

url = sys.argv[1]
print(f"""
CliqMenu OMS is starting (about 5 s; the first start builds the frontend and takes longer).

  Customer menu  {url}/t/{demo_data.CBD_TRUCK_SLUG}   and   {url}/t/{demo_data.BEACH_TRUCK_SLUG}
  Manager view   {url}/manage
  Kitchen        {url}/kds
  Owner pages    {url}/admin

Demo logins:""")
for login in demo_data.DEMO_LOGINS:
    print(f"  {login.role.label:<14} {login.email:<28} {login.password}")
print()
PY

exec reflex run --env prod --frontend-port "${PORT}" --backend-host 127.0.0.1
