#!/usr/bin/env bash
# The benchmarks recorded in BENCHMARKS.md (not part of `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m bench.tick --nodes 10 --pods 100
.venv/bin/python -m bench.traffic_hpa
.venv/bin/python -m bench.schedule_at_scale --nodes "${BENCH_NODES:-5000}" --pods "${BENCH_PODS:-150000}"
.venv/bin/python -m bench.tick --nodes "${BENCH_NODES:-5000}" --pods "${BENCH_PODS:-150000}" --seconds 20
