"""Shared fixtures of the Excel-layer tests."""
import pytest

from gdfit.excel.cache import RESULTS


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty result cache, so it computes what it checks."""
    RESULTS.clear()
    yield
    RESULTS.clear()
