"""Fixtures for the activity pages: form data, sample files."""

import io
import zipfile

import pytest
import sqlalchemy as sa
from flask import g

from council.directory.models import Agency
from council.extensions import db

# The smallest files whose first bytes are what their extension promises.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _one_user_per_request(app):
    """The app fixture keeps an app context pushed, and Flask reuses it for test requests, so
    `g` (where Flask-Login caches the user) outlives a request: a second client would act as
    the first one's user. Forget the cached user at the start of every request."""

    def forget_user():
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_user)


@pytest.fixture
def agency_id(seeded):
    def lookup(name: str) -> int:
        return db.session.scalar(sa.select(Agency.id).where(Agency.name == name))

    return lookup


@pytest.fixture
def form_data(agency_id):
    """form_data(**overrides): a valid create/edit form for a kanto council meeting."""

    def build(**overrides):
        data = {
            "category": "council",
            "kind": "council",
            "title": "平成19年度 第2回関東地域ブロック協議会",
            "start_date": "2007-11-28",
            "start_time": "14:00",
            "end_date": "",
            "end_time": "16:00",
            "venue": "さいたま新都心合同庁舎1号館",
            "visibility": "members",
            "participants": "",
            "organizers": [agency_id("関東経済産業局")],
            "participant_agencies": [agency_id("関東総合通信局"), agency_id("関東農政局")],
            "description": "",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return build


def edit_data(activity, form_data, **overrides):
    """The edit form as the page would send it for `activity` (version included)."""
    return form_data(version=str(activity.version), **overrides)
