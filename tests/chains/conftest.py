import pytest
from django.core.management import call_command


@pytest.fixture
def indicators(db):
    call_command("load_indicators")


@pytest.fixture
def stats_db(matrix, indicators, users):
    """The matrix, the default indicators and the users of every role."""
    return users
