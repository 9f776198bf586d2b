"""A real Daphne serving ClusterLab on its own SQLite file, as a subprocess.

Used by the session server of the browser tests, by the kill -9 test and by the
playground benchmarks (bench/playground_server.py). The first start binds port 0 (no race
for a free port) and reads the port Daphne logs; later starts reuse it, so a page can
reconnect to a restarted server. Failures raise ServerError with the server's log tail.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0


class ServerError(RuntimeError):
    """The server did not migrate, start or answer; the message carries its log tail."""


def server_env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="clusterlab.settings.test",
        CLUSTERLAB_DB=str(db_path),
        PYTHONUNBUFFERED="1",
    )
    return env


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if pytest dies without cleaning up
    (killed by a CI timeout, say), so no Daphne is ever left behind. Linux only."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class DaphneServer:
    def __init__(
        self, db_path: Path, log_path: Path, entry: str = "daphne", env: dict | None = None
    ) -> None:
        """`entry`: the module run as Daphne (a benchmark's traced one); `env`: extra
        variables for the server process."""
        self.env = {**server_env(db_path), **(env or {})}
        self.entry = entry
        self.log_path = log_path
        self.port = 0
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def migrate(self) -> None:
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise ServerError(f"manage.py migrate failed:\n{done.stdout}\n{done.stderr}")

    def start(self, log_path: Path | None = None) -> str:
        """Start (or restart) and wait until it answers; returns the base URL."""
        if log_path is not None:
            self.log_path = log_path
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", self.entry, "-b", "127.0.0.1", "-p", str(self.port)]
                + ["tests.e2e.asgi:application"],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self._wait_until_serving()
        return self.url

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        port = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(
                    f"Daphne exited with code {self.proc.returncode}:\n{self.log_tail()}"
                )
            if port is None:
                log = self.log_path.read_text("utf-8", errors="replace")
                match = re.search(r"Listening on TCP address 127\.0\.0\.1:(\d+)", log)
                if match:
                    port = self.port = int(match.group(1))
            if port is not None:
                try:
                    with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                        if response.status == 200:
                            return
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
            time.sleep(0.05)
        raise ServerError(f"Daphne did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (from /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill_hard(self) -> None:
        """SIGKILL to the server's process group: no shutdown handler, no final save."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        # The server runs in its own process group: signal the group, children included.
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
