"""What a sign-in with an identity provider costs the server: start and callback, in ms.

The app's /api/sso routes run in-process (Starlette's TestClient) on a fresh SQLite database
with one member; the local OpenID Connect provider of tests/oidc_provider.py answers on
127.0.0.1. ``callback`` includes what the app does against the provider: the code exchange,
fetching the JWKS, checking the RS256 ID token, then opening the database session. The
provider's own work (signing, in this process) is included too, so this is an upper bound.

    python bench/sso_sign_in.py --sign-ins 50
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import httpx


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sign-ins", type=int, default=50)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="sso-bench-")
    app_url = "http://testserver"
    os.environ.update(
        REFLEX_DB_URL=f"sqlite:///{folder}/bench.db",
        CLIQMENU_SECRET_KEY="sso-bench-secret-key-0123456789abcdefghijkl",
        CLIQMENU_PUBLIC_URL=app_url,
    )
    from sqlmodel import Session, SQLModel
    from starlette.testclient import TestClient

    from cliqmenu.api import build_api
    from cliqmenu.db import get_engine
    from tests import factories
    from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, TestUser

    SQLModel.metadata.create_all(get_engine())
    with Session(get_engine()) as session:
        email = factories.make_world(session).manager.email
        session.commit()

    timings: dict[str, list[float]] = {"start": [], "callback": []}
    with LocalProvider(f"{app_url}/api/sso/bench/callback") as provider:
        provider.user = TestUser(email)
        os.environ.update(
            CLIQMENU_OIDC_BENCH_DISCOVERY_URL=provider.discovery_url,
            CLIQMENU_OIDC_BENCH_CLIENT_ID=CLIENT_ID,
            CLIQMENU_OIDC_BENCH_CLIENT_SECRET=CLIENT_SECRET,
        )
        with TestClient(build_api(), base_url=app_url, follow_redirects=False) as app:
            for _ in range(args.sign_ins + 1):  # the first one also fetches discovery
                began = time.perf_counter()
                started = app.get("/api/sso/bench/start")
                timings["start"].append(time.perf_counter() - began)
                back = httpx.get(started.headers["location"]).headers["location"]
                began = time.perf_counter()
                answer = app.get(back)
                timings["callback"].append(time.perf_counter() - began)
                assert answer.headers["location"] == "/manage", answer.headers["location"]
    print(f"{args.sign_ins} sign-ins (after one warm-up), ms:")
    print("| step | p50 | p95 | max |")
    print("|---|---|---|---|")
    for step, samples in timings.items():
        ms = [s * 1000 for s in samples[1:]]
        print(
            f"| {step} | {statistics.median(ms):.1f} | {_percentile(ms, 0.95):.1f} "
            f"| {max(ms):.1f} |"
        )


if __name__ == "__main__":
    main()
