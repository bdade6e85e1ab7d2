#!/usr/bin/env bash
# The whole check: lint, import contracts, types, migrations, unit/state tests and end-to-end journeys, each on SQLite and
# on PostgreSQL + Redis. Runs every step even after a failure, prints a summary, and exits
# non-zero if any step failed. CI runs this (.ci/run) on a clean clone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"

bash scripts/bootstrap.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh

PG_HOST=127.0.0.1
PG_PORT=5432
PG_TEST_DB="test"
PG_URL="postgresql+psycopg://postgres@${PG_HOST}:${PG_PORT}/${PG_TEST_DB}"
REDIS_URL="redis://127.0.0.1:6379"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/cliqmenu-test.XXXXXX")"
MIGRATION_DB="cliqmenu_migrations_$$"

cleanup() {
    rm -rf "${SCRATCH}"
    if command -v psql >/dev/null 2>&1; then
        psql -h "${PG_HOST}" -p "${PG_PORT}" -U postgres -d postgres -qtAc \
            "DROP DATABASE IF EXISTS \"${MIGRATION_DB}\" WITH (FORCE)" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

RESULTS=()
FAILED=0
LAST_RC=0

if [ -t 1 ]; then
    banner() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
    banner() { printf '\n==> %s\n' "$*"; }
fi

# step NAME COMMAND...: run a command, record PASS/FAIL and how long it took.
step() {
    local name="$1" started rc
    shift
    banner "${name}"
    started=${SECONDS}
    set +e
    "$@"
    rc=$?
    set -e
    LAST_RC=${rc}
    record "${name}" "${rc}" "$((SECONDS - started))"
}

record() {
    local name="$1" rc="$2" took="$3" verdict
    if [ "${rc}" -eq 0 ]; then
        verdict=PASS
    else
        verdict="FAIL (exit ${rc})"
        FAILED=$((FAILED + 1))
    fi
    RESULTS+=("$(printf '%-44s %-14s %4ss' "${name}" "${verdict}" "${took}")")
}

# step_beside NAME COMMAND...: start a step in the background, its output kept aside;
# steps_done waits for them all and prints each one's output whole, in the order started.
BESIDE=()
step_beside() {
    local name="$1" log
    shift
    log="${SCRATCH}/beside-${#BESIDE[@]}.log"
    (
        started=$(date +%s)
        set +e
        "$@" >"${log}" 2>&1
        echo "$? $(($(date +%s) - started))" >"${log}.rc"
    ) &
    BESIDE+=("${name}|${log}|$!")
}

steps_done() {
    local entry name log pid rc took
    for entry in "${BESIDE[@]}"; do
        IFS='|' read -r name log pid <<<"${entry}"
        wait "${pid}" || true
        banner "${name}"
        cat "${log}"
        read -r rc took <"${log}.rc"
        LAST_RC=${rc}
        record "${name}" "${rc}" "${took}"
    done
    BESIDE=()
}

skip() {
    RESULTS+=("$(printf '%-44s %-14s' "$1" "SKIP ($2)")")
}

# PostgreSQL and Redis normally run already (this machine kind and CI start them).
start_postgres() {
    if pg_isready -h "${PG_HOST}" -p "${PG_PORT}" -q; then
        return 0
    fi
    local version
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
    echo "starting PostgreSQL ${version}"
    pg_ctlcluster --skip-systemctl-redirect "${version}" main start
    for _ in $(seq 1 30); do
        pg_isready -h "${PG_HOST}" -p "${PG_PORT}" -q && return 0
        sleep 1
    done
    echo "PostgreSQL did not come up" >&2
    return 1
}

ensure_test_database() {
    local exists
    exists="$(psql -h "${PG_HOST}" -p "${PG_PORT}" -U postgres -d postgres -qtAc \
        "SELECT 1 FROM pg_database WHERE datname = '${PG_TEST_DB}'")"
    if [ "${exists}" != "1" ]; then
        createdb -h "${PG_HOST}" -p "${PG_PORT}" -U postgres "${PG_TEST_DB}"
    fi
}

start_redis() {
    if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null || true)" = "PONG" ]; then
        return 0
    fi
    echo "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do
        [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null || true)" = "PONG" ] && return 0
        sleep 0.5
    done
    echo "Redis did not come up" >&2
    return 1
}

services() {
    start_postgres && ensure_test_database && start_redis
}

# The one Alembic history must build the schema the models declare, with nothing left over,
# and must step down and up again. One Python process: each start costs seconds here.
check_migrations() {
    local url="$1"
    REFLEX_DB_URL="${url}" cliqmenu migrate && python - "${url}" <<'PY'
import sys

from alembic import command
from alembic.config import Config

config = Config("alembic.ini")
config.attributes["configure_logger"] = False
config.attributes["url"] = sys.argv[1]
command.check(config)  # raises when the models and the migrated schema differ
command.downgrade(config, "base")
command.upgrade(config, "head")
print("schema matches the models; downgrade to base and upgrade to head work")
PY
}

migrations_sqlite() {
    check_migrations "sqlite:///${SCRATCH}/migrations.db"
}

migrations_postgres() {
    createdb -h "${PG_HOST}" -p "${PG_PORT}" -U postgres "${MIGRATION_DB}" &&
        check_migrations "postgresql+psycopg://postgres@${PG_HOST}:${PG_PORT}/${MIGRATION_DB}" &&
        dropdb -h "${PG_HOST}" -p "${PG_PORT}" -U postgres --force "${MIGRATION_DB}"
}

with_postgres() {
    CLIQMENU_TEST_DATABASE_URL="${PG_URL}" CLIQMENU_E2E_DATABASE_URL="${PG_URL}" \
        REFLEX_REDIS_URL="${REDIS_URL}" CLIQMENU_E2E_PROXY=nginx "$@"
}

# The owner's journey starts from an empty install: its own server, so its own pytest process.
e2e_empty_install() {
    pytest tests/e2e/test_owner.py -m e2e -p no:asyncio
}

# The accessibility audit, the ergonomics checks, the phone findings, the installable app's files
# and text shown as text look at pages, which are the same whatever keeps the data: they run
# with the embedded default only.
UI_ONLY=(tests/e2e/test_audit.py tests/e2e/test_ergonomics.py tests/e2e/test_accessibility.py
    tests/e2e/test_installable.py tests/e2e/test_security_notes.py)

# Playwright runs in its own pytest process: it clashes with pytest-asyncio.
e2e() {
    if [ -d tests/e2e ]; then
        pytest tests/e2e -m e2e -p no:asyncio --durations=20 --ignore=tests/e2e/test_owner.py \
            --ignore=tests/e2e/test_online_payment.py --ignore=tests/e2e/test_faults_scaled_out.py \
            --ignore=tests/e2e/test_oidc_sign_in.py "$@"
        return
    fi
    # No journeys written yet: pytest finds nothing (exit 5), which is fine only in this case.
    local rc=0
    pytest tests -m e2e -q || rc=$?
    if [ "${rc}" -eq 5 ]; then
        echo "tests/e2e does not exist yet: no end-to-end tests to run"
        return 0
    fi
    return "${rc}"
}

# Every end-to-end server answers on this port (nginx on it, the app on the next, when scaled out):
# the frontend, which bakes in its backend's address, is then built once per mode, not per step.
export CLIQMENU_E2E_PORT="${CLIQMENU_E2E_PORT:-18417}"

LINT_PATHS=(cliqmenu tests alembic bench demo scripts/make_icons.py)
step "ruff format --check" ruff format --check "${LINT_PATHS[@]}"
step "ruff check" ruff check "${LINT_PATHS[@]}"
step "import contracts (lint-imports)" lint-imports
step "types (basedpyright)" basedpyright
step "spelling (codespell)" codespell
step "migrations (SQLite)" migrations_sqlite
step "PostgreSQL + Redis services" services
SERVICES_UP=$((LAST_RC == 0))
if [ "${SERVICES_UP}" -eq 1 ]; then
    step "migrations (PostgreSQL)" migrations_postgres
fi

# The unit and state tests of the two modes share nothing (own databases, free ports): on two
# cores they run side by side, one pytest process each.
step_beside "tests (SQLite)" pytest tests --ignore=tests/e2e -m "not e2e"
if [ "${SERVICES_UP}" -eq 1 ]; then
    step_beside "tests (PostgreSQL + Redis)" with_postgres pytest tests --ignore=tests/e2e -m "not e2e"
else
    skip "migrations (PostgreSQL)" "no PostgreSQL"
    skip "tests (PostgreSQL + Redis)" "no PostgreSQL/Redis"
fi
steps_done

step "e2e (SQLite)" e2e
step "e2e (empty install, SQLite)" e2e_empty_install
step "e2e (online payment, SQLite)" pytest tests/e2e/test_online_payment.py -m e2e -p no:asyncio
step "e2e (identity provider sign-in, SQLite)" pytest tests/e2e/test_oidc_sign_in.py -m e2e -p no:asyncio
if [ "${SERVICES_UP}" -eq 1 ]; then
    step "e2e (PostgreSQL + Redis, 2 workers, nginx)" with_postgres e2e "${UI_ONLY[@]/#/--ignore=}"
    step "e2e faults (PostgreSQL + own Redis)" with_postgres \
        pytest tests/e2e/test_faults_scaled_out.py -m e2e -p no:asyncio
else
    skip "e2e (PostgreSQL + Redis, 2 workers, nginx)" "no PostgreSQL/Redis"
    skip "e2e faults (PostgreSQL + own Redis)" "no PostgreSQL"
fi

banner "Summary"
printf '%s\n' "${RESULTS[@]}"
if [ "${FAILED}" -gt 0 ]; then
    printf '\n%d step(s) failed.\n' "${FAILED}"
    exit 1
fi
printf '\nAll steps passed.\n'
