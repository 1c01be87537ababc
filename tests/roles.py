"""One user of each role, declared once for the whole suite: the people most tests act as.

A test that needs a second user of a role, or one with other details, calls make_user itself.
"""

import pytest


@pytest.fixture
def hq(make_user):
    """Headquarters (本府): sees every block."""
    return make_user(role="hq", email="hq@example.test", name="本府 花子")


@pytest.fixture
def admin(make_user):
    """The system administrator: manages users, sees no block's business."""
    return make_user(role="admin", email="admin@example.test", name="管理 一郎")


@pytest.fixture
def secretariat(make_user):
    """The 関東 block's secretariat."""
    return make_user(
        role="secretariat", block="kanto", email="sec-kanto@example.test", name="関東 事務局員"
    )


@pytest.fixture
def kinki_secretariat(make_user):
    """The 近畿 block's secretariat: the other block, for cross-block refusals."""
    return make_user(
        role="secretariat", block="kinki", email="sec-kinki@example.test", name="近畿 事務局員"
    )


@pytest.fixture
def member(make_user):
    """A 関東 member, of 関東総合通信局 (a participant of the kanto meetings in the fixtures)."""
    return make_user(
        role="member", agency="関東総合通信局", email="taro@example.jp", name="総通 太郎"
    )


@pytest.fixture
def sec_client(app, secretariat, login_as):
    """A client signed in as the 関東 secretariat (its own client: tests mix several people)."""
    return login_as(secretariat, c=app.test_client())


@pytest.fixture
def hq_client(app, hq, login_as):
    """A client signed in as headquarters."""
    return login_as(hq, c=app.test_client())
