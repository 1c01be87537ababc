"""Matrix cases for the Activity CSV upload: a file of kanto rows may be imported by kanto's
secretariat and admin only; a file of headquarters meetings by hq and admin only. Every
other role gets 403 (a refused row) and nothing is written."""

import io

import sqlalchemy as sa

from council.activities.models import Activity
from council.extensions import db
from tests.csv_io.conftest import csv_bytes, csv_row
from tests.matrix.framework import Case

KANTO_FILE = csv_bytes([csv_row(title="マトリクス 公募説明会")])
HQ_FILE = csv_bytes(
    [
        csv_row(
            block="",
            category="",
            kind="pt",
            title="マトリクス PT会合",
            visibility="members",
            organizers="",
        )
    ]
)


def _file(data: bytes):
    return lambda world: {"file": (io.BytesIO(data), "activities.csv")}


def _titles(world):
    db.session.expire_all()
    return sorted(db.session.scalars(sa.select(Activity.title)))


def _imported(title: str):
    def check(world):
        assert title in _titles(world)

    return check


CASES = [
    Case(
        name="imports.upload",
        url=lambda w: "/activities/import",
        allowed={"sec_own", "admin"},
        files=_file(KANTO_FILE),
        state=_titles,
        changed=_imported("マトリクス 公募説明会"),
    ),
    Case(
        name="imports.upload[hq meetings]",
        url=lambda w: "/activities/import",
        allowed={"hq", "admin"},
        files=_file(HQ_FILE),
        state=_titles,
        changed=_imported("マトリクス PT会合"),
    ),
]

CONFIRM_TOKEN = "matrix-confirm-token-0123456789"


def _kept_for_everyone(world):
    """The dry run's kept file, as every user would have it after their own dry run."""
    from flask import current_app

    from council.activities.csv import store

    root = current_app.config["UPLOAD_FOLDER"]
    for user in world.users.values():
        folder = store._folder(root, user.id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{CONFIRM_TOKEN}.csv").write_bytes(KANTO_FILE)


CASES.append(
    Case(
        name="imports.confirm",
        url=lambda w: "/activities/import/confirm",
        allowed={"sec_own", "admin"},
        setup=_kept_for_everyone,
        data=lambda w: {"token": CONFIRM_TOKEN},
        state=_titles,
        changed=_imported("マトリクス 公募説明会"),
    )
)
