#!/usr/bin/env bash
# Install what this checkout needs and is missing: uv, the locked Python environment (.venv),
# bun (from npm, into .tools), Debian's Chromium and nginx (for the end-to-end tests).
# Idempotent and quick when everything is in place. Sets nothing in the caller's environment:
# source scripts/env.sh for that.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"

BUN_VERSION="1.4.5"

say() { printf 'bootstrap: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 1
    fi
}

# uv, from PyPI when it is not installed.
if command -v uv >/dev/null 2>&1; then
    UV=(uv)
else
    say "installing uv from PyPI"
    python3 -m pip install --quiet uv 2>/dev/null ||
        python3 -m pip install --quiet --break-system-packages uv
    if command -v uv >/dev/null 2>&1; then
        UV=(uv)
    else
        UV=(python3 -m uv) # the wheel's console script may not be on PATH yet (pyenv shims)
    fi
fi

# The Python environment, exactly as locked (dev tools included).
"${UV[@]}" sync --frozen --quiet

# bun, which Reflex needs (it cannot download its own here).
case "$(uname -m)" in
    x86_64 | amd64)
        BUN_PACKAGE="@oven/bun-linux-x64"
        if ! grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
            BUN_PACKAGE="@oven/bun-linux-x64-baseline"
        fi
        ;;
    aarch64 | arm64) BUN_PACKAGE="@oven/bun-linux-aarch64" ;;
    *)
        say "no bun package for $(uname -m); install bun >= 1.4.4 yourself"
        BUN_PACKAGE=""
        ;;
esac
if [ -n "${BUN_PACKAGE}" ]; then
    BUN="${ROOT}/.tools/node_modules/${BUN_PACKAGE}/bin/bun"
    if [ ! -x "${BUN}" ] || [ "$("${BUN}" --version 2>/dev/null || true)" != "${BUN_VERSION}" ]; then
        say "installing ${BUN_PACKAGE}@${BUN_VERSION} from npm into .tools"
        npm install --no-save --no-audit --no-fund --loglevel=error --prefix "${ROOT}/.tools" \
            "${BUN_PACKAGE}@${BUN_VERSION}"
    fi
fi

# apt_install PACKAGE WHY: install a Debian package, or say what will not work without it.
apt_install() {
    if command -v apt-get >/dev/null 2>&1; then
        say "installing $1 with apt-get"
        if ! { as_root apt-get update -qq &&
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"; }; then
            say "could not install $1; $2"
        fi
    else
        say "no $1 and no apt-get; $2"
    fi
}

# Debian's Chromium for Playwright (Playwright's own browser download does not work here).
if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium "end-to-end tests will need 'playwright install chromium'"
fi

# nginx, the reverse proxy the end-to-end tests on PostgreSQL + Redis run behind.
if [ ! -x /usr/sbin/nginx ] && ! command -v nginx >/dev/null 2>&1; then
    apt_install nginx "end-to-end tests behind nginx (CLIQMENU_E2E_PROXY=nginx) cannot run"
fi
