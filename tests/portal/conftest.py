import pytest


@pytest.fixture(autouse=True)
def _flush_stats_buffer(app):
    """Page views buffered by one test never reach another."""
    yield
    buffer = app.extensions.get("portal_stats")
    if buffer is not None:
        buffer.pending.clear()
