"""Daphne with timestamps around the playground's steps: the fan-out benchmark's --trace.

The application is unchanged; this entry point wraps five of its functions in the server
process before Daphne starts, and appends one line per call to the file named by
CLUSTERLAB_BENCH_TRACE:

    advance|command|append|delta <start> <end> [crc32 of the delta]
    publish <start> <end> <crc32 of the text> <viewers>

Times are time.perf_counter() (CLOCK_MONOTONIC on Linux: the same clock in every
process), so the benchmark can set a client's receipt against the step that produced
what it received. Overhead: two clock reads and a short write per call, and a CRC of
each published text (microseconds).

    python -m bench.playground_traced_daphne -b 127.0.0.1 -p 0 tests.e2e.asgi:application
"""

import functools
import os
import sys
import time
import zlib


def crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def install(path: str) -> None:
    import tests.e2e.asgi  # noqa: F401  (sets Django up, as Daphne's import would)
    from cluster_sim import actions
    from cluster_sim.live import fanout, view

    log = open(path, "a", buffering=1)  # noqa: SIM115  (open for the process's lifetime)
    clock = time.perf_counter

    def timed(name, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            start = clock()
            try:
                return func(*args, **kwargs)
            finally:
                log.write(f"{name} {start:.6f} {clock():.6f}\n")

        return wrapper

    original_delta = view.PlaygroundView.delta

    @functools.wraps(original_delta)
    def delta(self):
        start = clock()
        out = original_delta(self)
        log.write(f"delta {start:.6f} {clock():.6f} {crc(out) if out else 0}\n")
        return out

    original_publish = fanout.LocalFanout.publish

    @functools.wraps(original_publish)
    async def publish(self, sandbox_id, text, *args):
        start = clock()
        await original_publish(self, sandbox_id, text, *args)
        log.write(f"publish {start:.6f} {clock():.6f} {crc(text)} {self.count(sandbox_id)}\n")

    # actions calls these by their module-level names: patch them there
    actions._advance = timed("advance", actions._advance)
    actions.run_logged = timed("command", actions.run_logged)
    actions.sandboxes.append_command = timed("append", actions.sandboxes.append_command)
    view.PlaygroundView.delta = delta
    fanout.LocalFanout.publish = publish


def main() -> None:
    install(os.environ["CLUSTERLAB_BENCH_TRACE"])
    from daphne.cli import CommandLineInterface

    sys.argv = ["daphne", *sys.argv[1:]]
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
