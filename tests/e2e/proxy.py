"""nginx in front of the app, from the deploy template (deploy/nginx/cliqmenu.conf).

Run as the invoking user on a free port: a generated nginx.conf wraps the template (its listen and
upstream ports rewritten, nothing else), with its pid, logs and temp files in a scratch folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "cliqmenu.conf"
NGINX_PATHS = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in NGINX_PATHS if Path(p).exists()), None)
    if found is None:
        raise RuntimeError("nginx is not installed (scripts/bootstrap.sh installs it)")
    return found


def site_config(listen_port: int, app_port: int, template: Path = TEMPLATE) -> str:
    """The template with nginx listening on ``listen_port`` and the app at ``app_port``."""
    text = template.read_text()
    text, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen_port};", text)
    text, upstreams = re.subn(r"server 127\.0\.0\.1:3000;", f"server 127.0.0.1:{app_port};", text)
    if (listens, upstreams) != (1, 1):
        raise RuntimeError(f"{template} no longer has one 'listen 80;' and one app server line")
    return text


def main_config(site: str, workdir: Path) -> str:
    """A whole nginx.conf around ``site`` whose files all live under ``workdir``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers may then write the temp files
    temps = "\n".join(
        f"    {kind}_temp_path {workdir / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    access_log {workdir / 'access.log'};\n"
        f"{temps}\n"
        f"{site}\n"
        "}\n"
    )


@dataclass
class NginxProxy:
    """An nginx process serving ``listen_port`` in front of the app at ``app_port``."""

    listen_port: int
    app_port: int
    workdir: Path
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.listen_port}"

    @property
    def access_log(self) -> Path:
        return self.workdir / "access.log"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "nginx.conf"
        config.write_text(main_config(site_config(self.listen_port, self.app_port), self.workdir))
        command = [nginx_binary(), "-e", "stderr", "-p", str(self.workdir), "-c", str(config)]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx refuses {config}:\n{checked.stderr}")
        self.process = subprocess.Popen(
            [*command, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "stderr.log").open("ab"),
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.workdir / 'stderr.log').read_text()}")
            try:
                urllib.request.urlopen(self.base_url + "/ping", timeout=1)
                return
            except urllib.error.HTTPError:
                return  # nginx answers (502 while the app is not up yet)
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError("nginx did not start listening within 15 s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=10)
        self.process = None
