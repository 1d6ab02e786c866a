"""Shared fixtures of the Excel-layer tests: a fresh result cache, and the two live backends
(xlwings' remote engine, and xlwings' classes mocked with their real signatures)."""
import pytest

from gdfit.excel.cache import RESULTS
from tests.excel.backends import HAS_KEY, Backend

REMOTE = pytest.param("remote", marks=pytest.mark.skipif(
    not HAS_KEY, reason="xlwings' remote engine needs XLWINGS_LICENSE_KEY (CI sets noncommercial); "
                        "the mock backend runs the same test"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty result cache, so it computes what it checks."""
    RESULTS.clear()
    yield
    RESULTS.clear()


@pytest.fixture(params=[REMOTE, "mock"])
def backend_kind(request):
    return request.param


@pytest.fixture
def make_book(backend_kind):
    """``make_book(payload, **fake_options)`` -> a Backend of the parametrised kind."""
    return lambda data, **options: Backend(backend_kind, data, **options)
