"""The queue's tests: each with its own directory of live progress (tests/jobs/fixtures.py has the tools)."""

import pytest

from .fixtures import big_workbook, live_directory, run_queue, shared_database, start_worker  # noqa: F401


@pytest.fixture(autouse=True)
def own_live_directory(live_directory):
    return live_directory
