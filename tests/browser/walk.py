"""The URL map's GET pages, one fixture object per route, for the browser walk.

A demo data set (`flask demo`) is restored once per module; `page_urls(app)` returns, for every
GET route that answers HTML, one URL filled with an object of the demo that the route can show.
"""

import shutil

import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import BuildError

from council import create_app
from council.activities.models import Activity
from council.directory.models import Agency, Block, Contact, Membership
from council.extensions import db
from council.measures.models import Measure, SlotFigure
from council.minutes.models import Minutes
from council.submissions.models import Submission

DEMO_PASSWORD = "council-demo-2007"
# Not pages: files, feeds, the API, and the endpoints that only answer a download.
NOT_PAGES = (
    ".ics",
    ".csv",
    ".xlsx",
    ".graphml",
    ".atom",
    ".xml",
    ".svg",
    "/api/",
    "/static/",
    "/favicon",
    "/feeds/",
    "/attachments/",
    "/portal/manage/export/",
    # Reached from a mail's signed link only (its pages are tested in tests/notices).
    "/notices/unsubscribe/",
)


def load_demo_app(demo_template, tmp_path, base_config) -> Flask:
    """An app on a copy of the session's demo database (tests/demo_data.py), with what
    `flask demo` adds after the activities: the portal's registers, so their pages are walked
    too."""
    from council.audit.hooks import act_as_system
    from council.portal.demo import load_portal_demo

    shutil.copy(demo_template, tmp_path / "walk.db")
    app = create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'walk.db'}"))
    with app.app_context():
        act_as_system(db.session)
        load_portal_demo()
        db.session.commit()
        db.session.remove()
    return app


def _first(query):
    return db.session.scalars(query.limit(1)).first()


def fixture_args(app) -> dict:
    """Values for the URL arguments: per endpoint where one object does not fit every page."""
    with app.app_context():
        kanto = db.session.scalar(sa.select(Block).where(Block.code == "kanto"))
        kanto_activities = sa.select(Activity).where(
            Activity.block_id == kanto.id, Activity.deleted_at.is_(None)
        )
        approved = _first(
            kanto_activities.join(Minutes)
            .where(Minutes.status == "approved")
            .order_by(Activity.starts_at.desc())
        )
        open_minutes = _first(
            kanto_activities.join(Minutes)
            .where(Minutes.status != "approved")
            .order_by(Activity.starts_at.desc())
        )
        held_without_minutes = _first(
            kanto_activities.outerjoin(Minutes)
            .where(Activity.status == "held", Minutes.id.is_(None))
            .order_by(Activity.starts_at.desc())
        )
        planned = _first(
            kanto_activities.where(Activity.status == "planned").order_by(Activity.starts_at)
        )
        postponed = _first(kanto_activities.where(Activity.status == "postponed"))
        agency = _first(
            sa.select(Agency)
            .join(Membership)
            .where(Membership.block_id == kanto.id, Membership.is_secretariat)
        )
        member_agency = _first(
            sa.select(Agency)
            .join(Contact)
            .join(Membership, Membership.agency_id == Agency.id)
            .where(Membership.block_id == kanto.id, ~Membership.is_secretariat)
        )
        contact = _first(sa.select(Contact).where(Contact.agency_id == member_agency.id))
        membership = _first(
            sa.select(Membership).where(
                Membership.block_id == kanto.id, Membership.agency_id == member_agency.id
            )
        )
        measure = _first(sa.select(Measure).order_by(Measure.id))
        slot = _first(sa.select(SlotFigure))
        submission = _first(
            sa.select(Submission)
            .where(Submission.block_id == kanto.id)
            .order_by(Submission.fiscal_year.desc())
        )
        from council.accounts.models import User
        from council.analysis.funding.models import FundingRecord
        from council.portal.models import Facility, News, SupportMeasure, Theme

        def published(model):
            return db.session.scalar(
                sa.select(model.id).where(model.status == "published").order_by(model.id)
            )

        member_user = db.session.scalar(
            sa.select(User).where(User.email == "member@demo.example.jp")
        )
        year = approved.fiscal_year
        common = {
            "activity_id": approved.id,
            "number": 1,
            "agency_id": member_agency.id,
            "contact_id": contact.id if contact else 1,
            "membership_id": membership.id if membership else 1,
            "measure_id": measure.id,
            "slot_id": slot.id if slot else 1,
            "user_id": member_user.id,
            "code": "kanto",
            "year": year,
            "first": year - 2,
            "last": year,
            "kind": submission.kind if submission else "record",
            "record_id": published(SupportMeasure),
            "type": "measure",
            "region": "kanto",
        }
        by_endpoint = {
            "minutes.create": {"activity_id": (held_without_minutes or approved).id},
            "minutes.edit": {"activity_id": (open_minutes or approved).id},
            "activities.postpone": {"activity_id": (planned or approved).id},
            "activities.cancel": {"activity_id": (planned or approved).id},
            "activities.held": {"activity_id": (held_without_minutes or approved).id},
            "activities.reschedule": {"activity_id": (postponed or planned or approved).id},
            "directory.edit_agency": {"agency_id": agency.id},
            "submissions.snapshot": {"year": submission.fiscal_year if submission else year},
            "submissions.block": {"year": submission.fiscal_year if submission else year},
            "measures.edit_published": {"year": 2007},
            "portal.facility": {"record_id": published(Facility)},
            "portal.theme": {"record_id": published(Theme)},
            "portal.news": {"record_id": published(News)},
            "funding.edit_record": {
                "record_id": db.session.scalar(sa.select(sa.func.min(FundingRecord.id)))
            },
        }
        named = {
            "calendar": ("calendars.month", {}),
            "activity": ("activities.detail", {}),
            "minutes": ("minutes.show", {}),
            "fy_table": ("reports.fiscal_year", {}),
        }
        return {"common": common, "by_endpoint": by_endpoint, "named": named}


def page_urls(app) -> list[tuple[str, str]]:
    """(endpoint, URL) for every GET route that answers a page."""
    args = fixture_args(app)
    out = []
    with app.test_request_context():
        from flask import url_for

        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or any(part in rule.rule for part in NOT_PAGES):
                continue
            if rule.endpoint in ("api.not_found",):
                continue
            values = {
                name: args["by_endpoint"].get(rule.endpoint, {}).get(name, args["common"][name])
                for name in rule.arguments
            }
            try:
                out.append((rule.endpoint, url_for(rule.endpoint, **values)))
            except BuildError:
                raise AssertionError(f"no fixture for {rule.rule}") from None
    return out
