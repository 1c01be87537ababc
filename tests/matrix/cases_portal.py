"""Matrix cases for the portal's registers: headquarters (hq, admin) edits every record, a
secretariat the records of its own block (kanto: sec_own; kinki: sec_other)."""

import io

import sqlalchemy as sa

from council.extensions import db
from council.portal.models import Facility
from tests.matrix.framework import Case
from tests.portal import factories as f

KANTO = {"sec_own", "hq", "admin"}
KINKI = {"sec_other", "hq", "admin"}


def _setup(w):
    kanto_owner = f.org("東京都立産業技術研究センター", "public_lab", "13")
    kinki_owner = f.org("大阪府立産業技術総合研究所", "public_lab", "27")
    w.objects["kanto"] = f.facility("振動試験機", kanto_owner.name, pref="13", commit=False)
    w.objects["kinki"] = f.facility("電波暗室", kinki_owner.name, pref="27", commit=False)


def _form(facility, fees="1時間 9,999円"):
    return {
        "organisation": facility.owner_agency.name,
        "name": facility.name,
        "prefecture": facility.prefecture.code,
        "kind": facility.kind,
        "fields": "nano",
        "conditions": "",
        "fees": fees,
        "contact": "",
        "url": "",
        "description": "",
        "status": "published",
    }


def _fees(name):
    return lambda w: db.session.scalar(
        sa.select(Facility.fees).where(Facility.id == w.objects[name].id)
    )


def _status(name):
    return lambda w: db.session.scalar(
        sa.select(Facility.status).where(Facility.id == w.objects[name].id)
    )


def _count(w):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Facility))


def _assert(condition):
    assert condition


def _csv(w):
    body = "organisation,name,prefecture,kind\n東京都立産業技術研究センター,クリーンルーム,13,prototype\n"
    return {"kind": "facilities", "file": (io.BytesIO(body.encode()), "facilities.csv")}


CASES = [
    Case(
        name="portal_manage.edit[kanto facility]",
        url=lambda w: f"/portal/manage/facility/{w.kanto.id}/edit",
        allowed=KANTO,
        setup=_setup,
        data=lambda w: _form(w.kanto),
        state=_fees("kanto"),
        changed=lambda w: _assert(_fees("kanto")(w) == "1時間 9,999円"),
    ),
    Case(
        name="portal_manage.edit[kinki facility]",
        url=lambda w: f"/portal/manage/facility/{w.kinki.id}/edit",
        allowed=KINKI,
        setup=_setup,
        data=lambda w: _form(w.kinki),
        state=_fees("kinki"),
        changed=lambda w: _assert(_fees("kinki")(w) == "1時間 9,999円"),
    ),
    Case(
        name="portal_manage.new[kanto facility]",
        url=lambda w: "/portal/manage/facility/new",
        allowed=KANTO,
        setup=_setup,
        data=lambda w: {**_form(w.kanto), "name": "新しい3次元測定機"},
        state=_count,
        changed=lambda w: _assert(_count(w) == 3),
    ),
    Case(
        name="portal_manage.change_status[kinki facility]",
        url=lambda w: f"/portal/manage/facility/{w.kinki.id}/status",
        allowed=KINKI,
        setup=_setup,
        data=lambda w: {"status": "withdrawn"},
        state=_status("kinki"),
        changed=lambda w: _assert(_status("kinki")(w) == "withdrawn"),
    ),
    Case(
        name="portal_manage.import_file[kanto facilities]",
        url=lambda w: "/portal/manage/import",
        allowed=KANTO,
        setup=_setup,
        files=_csv,
        state=_count,
        changed=lambda w: _assert(_count(w) == 3),
    ),
]
