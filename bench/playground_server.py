"""A Daphne process serving ClusterLab for the playground benchmarks, and a visitor's session.

Started as tests/e2e/conftest.py starts it: settings `clusterlab.settings.test`, its own
SQLite file (migrated first), `tests.e2e.asgi:application` (the app plus static files),
port 0, in its own process group so stopping it stops its children too.
"""

import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0


class DaphneServer:
    def __init__(self, trace: bool = False) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="clusterlab-bench-"))
        self.log_path = self.dir / "daphne.log"
        # with trace, bench/playground_traced_daphne.py times the steps into this file
        self.trace_path = self.dir / "trace.txt" if trace else None
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.port = 0

    def __enter__(self) -> "DaphneServer":
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="clusterlab.settings.test",
            CLUSTERLAB_DB=str(self.dir / "db.sqlite3"),
            PYTHONUNBUFFERED="1",
        )
        if self.trace_path:
            env["CLUSTERLAB_BENCH_TRACE"] = str(self.trace_path)
        entry = "bench.playground_traced_daphne" if self.trace_path else "daphne"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", entry, "-b", "127.0.0.1", "-p", "0"]
                + ["tests.e2e.asgi:application"],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_serving()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if exc_type is None:  # keep the log and the database when something failed
            shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (from /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text("utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Daphne exited while starting:\n{self.log_tail()}")
            match = re.search(
                r"Listening on TCP address 127\.0\.0\.1:(\d+)",
                self.log_path.read_text("utf-8", errors="replace"),
            )
            if match:
                self.port = int(match.group(1))
                self.url = f"http://127.0.0.1:{self.port}"
                try:
                    with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                        if response.status == 200:
                            return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"Daphne did not answer in {START_TIMEOUT:.0f} s:\n{self.log_tail()}")


class Visitor:
    """One browser's session: cookies, and the sandboxes it opens."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def open_default(self) -> str:
        """GET /playground/ (creates the default sandbox); its id."""
        with self.opener.open(self.base + "/playground/", timeout=60) as response:
            return _sandbox_id(response.url)

    def new_sandbox(self, preset: str) -> str:
        with self.opener.open(self.base + "/playground/", timeout=60) as response:
            page = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "preset": preset}).encode()
        request = urllib.request.Request(
            self.base + "/playground/new/", data=body, headers={"Referer": self.base + "/"}
        )
        with self.opener.open(request, timeout=60) as response:
            return _sandbox_id(response.url)


def _sandbox_id(url: str) -> str:
    return re.search(r"/playground/([^/]+)/$", url).group(1)
