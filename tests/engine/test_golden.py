"""Golden scenarios: a script in, the exact terminal transcript out.

Each `golden/<name>.script` is run with seed 0 and compared with
`golden/<name>.expected`. After a deliberate change, regenerate with
`UPDATE_GOLDEN=1 make test` and review the diff like code: the expected files are
what a learner sees, checked against real kubectl output.
"""

import os
from pathlib import Path

import pytest

from cluster_sim.engine.script import run_script

GOLDEN = Path(__file__).parent / "golden"
SCRIPTS = sorted(GOLDEN.glob("*.script"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_golden_transcript(script: Path):
    actual = run_script(script.read_text(), seed=0, base_dir=GOLDEN)
    expected_path = script.with_suffix(".expected")
    if os.environ.get("UPDATE_GOLDEN") == "1" or not expected_path.exists():
        expected_path.write_text(actual)
        if os.environ.get("UPDATE_GOLDEN") != "1":
            pytest.fail(f"wrote {expected_path.name}; review it and commit it")
    assert actual == expected_path.read_text()


def test_there_are_golden_scenarios():
    assert len(SCRIPTS) >= 5
