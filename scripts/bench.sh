#!/usr/bin/env bash
# The benchmarks recorded in BENCHMARKS.md (not part of `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m bench.tick --nodes 10 --pods 100
.venv/bin/python -m bench.traffic_hpa
.venv/bin/python -m bench.schedule_at_scale --nodes "${BENCH_NODES:-5000}" --pods "${BENCH_PODS:-150000}"
.venv/bin/python -m bench.tick --nodes "${BENCH_NODES:-5000}" --pods "${BENCH_PODS:-150000}" --seconds 20
# The live playground (issue 4): update sizes and server time per step, 500 WebSocket
# viewers of one sandbox, and the browser's cost per update (Chromium, Playwright).
.venv/bin/python -m bench.playground_render
.venv/bin/python -m bench.playground_fanout
.venv/bin/python -m bench.playground_fanout --trace
.venv/bin/python -m bench.playground_browser
