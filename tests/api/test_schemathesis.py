"""Requests generated from the API's own OpenAPI schema, sent in process to the WSGI app.

Every operation, with data that fits the schema and data that does not (wrong types, bad
dates, unknown choices), with a valid province token: no answer may be a server error.
Bounded: a few examples per operation and mode keep the test well under a minute.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.models import ApiCall
from tests.api.conftest import issue

EXAMPLES_PER_OPERATION = 12
# The same examples every run, so `make test` passes or fails for the code, not the draw;
# SCHEMATHESIS_EXPLORE=1 draws new ones (and EXPLORE_EXAMPLES per operation) to look further.
EXPLORE = bool(os.environ.get("SCHEMATHESIS_EXPLORE"))
if EXPLORE:
    EXAMPLES_PER_OPERATION = int(os.environ.get("EXPLORE_EXAMPLES", "50"))


@pytest.fixture
def wsgi_app():
    """Django's WSGI app inside the test's transaction (as django.test.Client does it:
    the per-request connection clean-up would otherwise close the test's connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_server_error(world, wsgi_app, settings_override, mode):
    token = issue("Schemathesis", province="64", personal_data=mode == schemathesis.GenerationMode.POSITIVE)
    headers = {"Authorization": f"Bearer {token.secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    failures = []

    strategy = st.one_of(*(operation.as_strategy(generation_mode=mode) for operation in operations))

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION * len(operations),
        deadline=None,
        database=None,
        derandomize=not EXPLORE,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}")

    check()
    assert failures == []
    assert ApiCall.objects.filter(client=token.client).count() > len(operations)  # the calls really ran


@pytest.fixture
def settings_override(settings):
    # The generated calls are many: the rate limit is not what this test is about.
    settings.KUBE_API_RATE = "100000/hour"
