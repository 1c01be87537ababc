"""Factory fixtures with defaults: users, activities, and signing a client in."""

import pytest
import sqlalchemy as sa

from council.extensions import db

DEFAULT_PASSWORD = "correct-horse-battery"


def _block(code):
    from council.directory.models import Block

    if code is None:
        return None
    return db.session.scalar(sa.select(Block).where(Block.code == code))


def _agency(name):
    from council.directory.models import Agency

    return db.session.scalar(sa.select(Agency).where(Agency.name == name))


@pytest.fixture
def make_user(seeded):
    """make_user(role="secretariat", block="kanto") / make_user(role="member", agency=NAME)."""
    from council.accounts.services import create_user

    counter = {"n": 0}
    defaults_agency = {"kanto": "関東経済産業局", "kinki": "近畿経済産業局"}

    def factory(
        role="member", block=None, agency=None, email=None, password=DEFAULT_PASSWORD, name=None
    ):
        counter["n"] += 1
        if role == "secretariat" and block is None:
            block = "kanto"
        if role == "member" and agency is None:
            agency = defaults_agency.get(block or "kanto", "関東総合通信局")
        user = create_user(
            email=email or f"{role}{counter['n']}@example.test",
            name=name or f"{role} user {counter['n']}",
            role=role,
            password=password,
            block_id=_block(block).id if block else None,
            agency_id=_agency(agency).id if agency else None,
        )
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login_as(client):
    """login_as(user): signs the test client in through the real login form."""

    def do_login(user, password=DEFAULT_PASSWORD, c=None):
        target = c or client
        response = target.post(
            "/login", data={"email": user.email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return target

    return do_login


@pytest.fixture
def make_activity(seeded):
    """make_activity(block="kanto", category="council", start="2007-11-28 14:00", ...)."""
    from datetime import date, datetime

    from council import fiscal
    from council.activities.models import Category
    from council.activities.services import create_activity

    def factory(
        block="kanto",
        category="council",
        title="関東地域ブロック協議会",
        start="2007-11-28 14:00",
        end=None,
        actor=None,
        organizers=(),
        participants_of=(),
        **fields,
    ):
        cat = db.session.scalar(sa.select(Category).where(Category.code == category))

        def parse(text):
            if text is None:
                return None
            if isinstance(text, datetime):
                return text
            if isinstance(text, date):
                return fiscal.jst_datetime(text)
            if len(text) == 10:
                return fiscal.jst_datetime(date.fromisoformat(text))
            return datetime.fromisoformat(text).replace(tzinfo=fiscal.JST)

        fields.setdefault(
            "is_all_day", start is not None and isinstance(start, str) and len(start) == 10
        )
        if category == "council" and block is not None:
            fields.setdefault("kind", "council")
        activity = create_activity(
            actor=actor,
            block_id=_block(block).id if block else None,
            category_id=cat.id,
            title=title,
            starts_at=parse(start),
            ends_at=parse(end),
            organizers=[_agency(n) for n in organizers],
            participant_agencies=[_agency(n) for n in participants_of],
            **fields,
        )
        db.session.commit()
        return activity

    return factory
