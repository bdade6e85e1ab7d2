"""Serve the app from the frontend already built in ``.web``: no compile, no frontend build.

``reflex run --env prod`` compiles the app and builds the frontend on every start (45 s and more
on a busy 2-core machine). A test that restarts or kills the server changes no code, so the
restart only needs what ``reflex run --env prod`` ends with: the backend, serving the built
frontend on the same port. Run from the checkout root, with the server's environment:
``python -m tests.e2e.serve_built PORT HOST``.
"""

from __future__ import annotations

import os
import sys

from reflex import constants
from reflex.environment import environment
from reflex.istate.manager import reset_disk_state_manager
from reflex.utils import exec as reflex_exec


def main(port: int, host: str) -> None:
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    os.environ["REFLEX_FRONTEND_PORT"] = os.environ["REFLEX_BACKEND_PORT"] = str(port)
    reset_disk_state_manager()  # as `reflex run` does: a restart starts with no stored states
    reflex_exec.run_backend_prod(host, port, constants.LogLevel.INFO, True)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
