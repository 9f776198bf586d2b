"""Suite-wide collection rules.

Everything under tests/e2e gets the `e2e` marker (so `pytest -m "not e2e"` skips the
browser tests locally), and the browser tests run last: the fast tests report first,
and the e2e package's browser and server start once, at the end of the run.
"""

from pathlib import Path

import pytest

E2E_DIR = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
    # sort() is stable: the order inside each group is kept.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
