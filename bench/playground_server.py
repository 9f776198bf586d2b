"""A Daphne process serving ClusterLab for the playground benchmarks, and a visitor's session.

The server is the browser tests' (tests/e2e/server.py: settings `clusterlab.settings.test`,
`tests.e2e.asgi:application`, port 0, its own process group), on a SQLite file of its own
in a temporary directory kept when the benchmark fails.
"""

import http.cookiejar
import re
import shutil
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from tests.e2e.server import DaphneServer as _Daphne


class DaphneServer(_Daphne):
    """The test server as a context manager: migrated and started on entry, stopped on exit."""

    def __init__(self, trace: bool = False) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="clusterlab-bench-"))
        # with trace, bench/playground_traced_daphne.py times the steps into this file
        self.trace_path = self.dir / "trace.txt" if trace else None
        super().__init__(
            self.dir / "db.sqlite3",
            self.dir / "daphne.log",
            entry="bench.playground_traced_daphne" if trace else "daphne",
            env={"CLUSTERLAB_BENCH_TRACE": str(self.trace_path)} if trace else None,
        )

    def __enter__(self) -> "DaphneServer":
        self.migrate()
        self.start()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.stop()
        if exc_type is None:  # keep the log and the database when something failed
            shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def pid(self) -> int:
        return self.proc.pid


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
