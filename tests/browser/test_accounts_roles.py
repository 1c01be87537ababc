"""Each demo role logs in and sees the navigation meant for it; kanto's secretariat cannot
edit kinki's agencies, by button or by a direct POST."""

import re

import sqlalchemy as sa

from council.accounts.demo_logins import ensure_demo_logins
from council.directory.models import Agency
from council.extensions import db

# What the main navigation and the profile page offer each demo login.
EXPECTED = {
    "admin@demo.example.jp": {"変更履歴": True, "提出": True, "ユーザー管理": True},
    "hq@demo.example.jp": {"変更履歴": True, "提出": True, "ユーザー管理": False},
    "kanto@demo.example.jp": {"変更履歴": True, "提出": True, "ユーザー管理": True},
    "kinki@demo.example.jp": {"変更履歴": True, "提出": True, "ユーザー管理": True},
    "member@demo.example.jp": {"変更履歴": False, "提出": False, "ユーザー管理": False},
}


def _log_in(page, live_server, email, password):
    page.goto(live_server + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def _log_out(page):
    page.click(".site-user--wide button:has-text('ログアウト')")
    page.wait_for_selector(".site-user--wide a:has-text('ログイン')")


def test_each_demo_role_sees_its_navigation(seeded, page, live_server):
    logins = ensure_demo_logins()
    db.session.commit()
    for role, email, password in logins:
        _log_in(page, live_server, email, password)
        nav = page.locator(".site-nav--wide")
        assert (
            page.locator(".site-user--wide .site-user__name")
            .inner_text()
            .endswith(
                {
                    "admin": "(システム管理者)",
                    "hq": "(本府省)",
                    "secretariat": "(事務局)",
                    "member": "(構成機関)",
                }[role]
            )
        )
        for label in ("変更履歴", "提出", "ユーザー管理"):
            count = nav.get_by_role("link", name=label, exact=True).count()
            assert count == int(EXPECTED[email][label]), (email, label)
        if EXPECTED[email]["変更履歴"]:
            page.locator(".site-nav--wide").get_by_role("link", name="変更履歴").click()
            assert page.locator("h1").inner_text() == "変更履歴"
        _log_out(page)


def test_kanto_secretariat_cannot_edit_kinki(seeded, page, live_server):
    ensure_demo_logins()
    db.session.commit()
    kinki_agency = db.session.scalar(sa.select(Agency).where(Agency.name == "近畿総合通信局"))
    kanto_agency = db.session.scalar(sa.select(Agency).where(Agency.name == "関東総合通信局"))
    kinki_id, kanto_id = kinki_agency.id, kanto_agency.id
    kinki_ministry_id, kinki_city = kinki_agency.ministry_id, kinki_agency.city
    # End this thread's transaction: on SQLite it holds the write lock the server needs.
    db.session.commit()
    _log_in(page, live_server, "kanto@demo.example.jp", "council-demo-2007")

    page.goto(live_server + "/blocks/kinki")
    assert page.locator("#roster").get_by_text("近畿総合通信局").count() == 1
    assert page.locator("[data-action=edit-agency]").count() == 0
    assert page.get_by_role("link", name="新しい機関を登録する").count() == 0
    page.goto(live_server + f"/agencies/{kinki_id}")
    assert page.locator("[data-action=edit-agency]").count() == 0

    page.goto(live_server + f"/agencies/{kanto_id}")
    assert page.locator("[data-action=edit-agency]").count() == 1

    # A hand-made POST with a valid CSRF token still meets the permission check.
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(
        live_server + f"/agencies/{kinki_id}/edit",
        form={
            "csrf_token": token,
            "name": "近畿総合通信局",
            "ministry_id": str(kinki_ministry_id),
            "kind": "branch",
            "city": "乗っ取り",
        },
    )
    assert response.status == 403
    db.session.expire_all()
    assert db.session.get(Agency, kinki_id).city == kinki_city
