import pytest


@pytest.fixture
def hq_client(make_user, login_as, client):
    login_as(make_user(role="hq", email="hq-reports@example.test"))
    return client
