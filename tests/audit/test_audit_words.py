"""Every model, field and value a person sees in the audit log is in Japanese, and the log
links only to pages the viewer can open."""

import re

import sqlalchemy as sa

from council.audit import labels
from council.audit.models import AuditEntry
from council.directory.models import Block
from council.extensions import db

ASCII_WORD = re.compile(r"^[A-Za-z_ ()]+$")


def _audited_models():
    return [
        m for m in db.Model.registry.mappers if getattr(m.class_, "audit_fields", None) is not None
    ]


def test_every_audited_model_and_field_has_a_japanese_label(app):
    models = _audited_models()
    assert len(models) >= 14
    for mapper in models:
        name = mapper.class_.__name__
        assert not ASCII_WORD.match(labels.object_type_label(name)), name
        for field in (
            *mapper.class_.audit_fields,
            *getattr(mapper.class_, "audit_secret_fields", ()),
        ):
            assert not ASCII_WORD.match(labels.field_label(name, field)), (name, field)
    # Recorded by hand, outside the flush hook.
    for name, field in (("MinutesResponse", "is_confirmed"), ("MinutesResponse", "comment")):
        assert not ASCII_WORD.match(labels.field_label(name, field))
    assert labels.object_type_label("MinutesResponse") == "議事録への意見"


def _entry(**fields) -> AuditEntry:
    entry = AuditEntry(action="create", object_label="", block_ids=",", **fields)
    db.session.add(entry)
    db.session.commit()
    return entry


def test_a_minutes_answer_and_a_command_line_change_read_in_japanese(
    seeded, login_as, client, admin
):
    _entry(
        object_type="MinutesResponse",
        object_id=1,
        actor_label="system (cli)",
        changes={"is_confirmed": [None, False], "comment": [None, "日程の記載に誤りがあります"]},
    )
    login_as(admin)
    html = client.get("/audit/").get_data(as_text=True)
    assert "議事録への意見" in html
    assert "内容を確認" in html and "いいえ" in html
    assert "意見" in html and "日程の記載に誤りがあります" in html
    assert "システム(コマンド操作)" in html
    for raw in ("is_confirmed", "comment:", "system (cli)", "MinutesResponse<"):
        assert raw not in html


def test_the_home_page_names_every_kind_of_change(seeded, login_as, client, secretariat):
    kanto = db.session.scalar(sa.select(Block.id).where(Block.code == "kanto"))
    db.session.add(
        AuditEntry(
            object_type="Submission",
            object_id=1,
            action="status",
            actor_label="system (cli)",
            block_ids=f",{kanto},",
            object_label="平成19年度 活動実績",
            changes={"state": ["submitted", "returned"]},
        )
    )
    db.session.commit()
    login_as(secretariat)
    html = client.get("/").get_data(as_text=True)
    assert "本府省への提出を状態変更" in html
    assert "Submission" not in html and "system (cli)" not in html
    assert "システム(コマンド操作)" in html


def test_the_log_does_not_link_a_secretariat_to_pages_it_cannot_open(
    seeded, make_user, login_as, client, hq, make_activity, secretariat
):
    kanto = db.session.scalar(sa.select(Block.id).where(Block.code == "kanto"))
    member = make_user(role="member", agency="関東総合通信局", email="member@example.test")
    hidden = make_activity(block="kinki", title="近畿の事務局会議", visibility="secretariat")
    for obj_type, obj_id, label in (
        ("User", hq.id, hq.email),
        ("User", member.id, "member@example.test"),
        ("Activity", hidden.id, "近畿の事務局会議"),
    ):
        db.session.add(
            AuditEntry(
                object_type=obj_type,
                object_id=obj_id,
                action="update",
                object_label=label,
                block_ids=f",{kanto},",
                changes={"name": ["a", "b"]},
            )
        )
    db.session.commit()
    login_as(secretariat)
    html = client.get("/audit/").get_data(as_text=True)
    assert f'href="/users/{member.id}/edit"' in html  # a member of its block: manageable
    assert client.get(f"/users/{member.id}/edit").status_code == 200
    assert f'href="/users/{hq.id}/edit"' not in html  # would answer 403
    assert client.get(f"/users/{hq.id}/edit").status_code in (403, 404)
    assert f'href="/activities/{hidden.id}"' not in html
    assert hq.email in html and "近畿の事務局会議" in html  # still listed


def test_an_activity_made_on_the_command_line_names_the_system_in_japanese(
    make_activity, login_as, client, secretariat
):
    db.session.info["audit_actor_label"] = "system (cli)"
    activity = make_activity(title="コマンドで登録した協議会")
    db.session.info.pop("audit_actor_label")
    login_as(secretariat)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "システム(コマンド操作)" in page
    assert "system (cli)" not in page
