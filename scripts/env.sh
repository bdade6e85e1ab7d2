# shellcheck shell=bash
# Environment for running CliqMenu from this checkout. Source it (`source scripts/env.sh`) after
# scripts/bootstrap.sh. Values already set in the environment win over these defaults.
# Safe under `set -euo pipefail`; changes no shell options.

CLIQMENU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CLIQMENU_ROOT

_cliqmenu_path_add() {
    case ":${PATH}:" in
        *":$1:"*) ;;
        *) PATH="$1:${PATH}" ;;
    esac
}
# Bun from npm (scripts/bootstrap.sh); Reflex needs bun >= 1.4.4 on PATH or it tries to download it.
for _cliqmenu_bun_dir in "${CLIQMENU_ROOT}"/.tools/node_modules/@oven/bun-linux-*/bin; do
    if [ -x "${_cliqmenu_bun_dir}/bun" ]; then
        _cliqmenu_path_add "${_cliqmenu_bun_dir}"
        break
    fi
done
_cliqmenu_path_add "${CLIQMENU_ROOT}/.venv/bin"
export PATH
unset -f _cliqmenu_path_add
unset _cliqmenu_bun_dir

# Only the package registries are reachable: no version check, no telemetry, the configured
# npm registry for Reflex's frontend install.
export REFLEX_CHECK_LATEST_VERSION="${REFLEX_CHECK_LATEST_VERSION:-0}"
export REFLEX_TELEMETRY_ENABLED="${REFLEX_TELEMETRY_ENABLED:-false}"
if [ -z "${NPM_CONFIG_REGISTRY:-}" ] && command -v npm >/dev/null 2>&1; then
    NPM_CONFIG_REGISTRY="$(npm config get registry 2>/dev/null || true)"
fi
if [ -n "${NPM_CONFIG_REGISTRY:-}" ]; then
    export NPM_CONFIG_REGISTRY
fi

# Notice a half-open websocket in about 26 s instead of 141 s (docs/architecture.md, "Liveness").
export REFLEX_SOCKET_INTERVAL="${REFLEX_SOCKET_INTERVAL:-5}"
export REFLEX_SOCKET_TIMEOUT="${REFLEX_SOCKET_TIMEOUT:-5}"
