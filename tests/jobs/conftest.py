"""The queue's tests: each with its own directory of live progress (tests/jobs/fixtures.py has the tools)."""

import pytest

from . import fixtures

# The tools, as fixtures of every test here.
big_workbook = fixtures.big_workbook
live_directory = fixtures.live_directory
run_queue = fixtures.run_queue
shared_database = fixtures.shared_database
start_worker = fixtures.start_worker


@pytest.fixture(autouse=True)
def own_live_directory(live_directory):
    return live_directory
