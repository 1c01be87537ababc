"""Search over activities and minutes: Japanese substrings, permissions, and an index that
follows every change through the model layer."""

import re

import pytest
import sqlalchemy as sa
from flask import g
from flask_login import AnonymousUserMixin
from flask_migrate import downgrade, upgrade

from council import permissions
from council.activities.models import Activity
from council.activities.services import update_activity
from council.extensions import db, utc_now
from council.minutes.models import Minutes
from council.search import queries
from council.search.models import SearchDocument


def _titles(client, q: str) -> list[str]:
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    titles = re.findall(
        r'<h2 class="search-result__title"><a href="[^"]+">(.*?)</a></h2>', html, re.S
    )
    return [re.sub(r"</?mark>", "", t).strip() for t in titles]


def _minutes(activity, status="approved", **fields):
    minutes = Minutes(activity_id=activity.id, status=status, **fields)
    db.session.add(minutes)
    db.session.commit()
    return minutes


def test_finds_a_japanese_substring_inside_a_title(client, make_activity):
    make_activity(title="地域の産学官連携推進会議", visibility="public")
    make_activity(title="補助金公募説明会", category="briefing", visibility="public")

    assert _titles(client, "産学官") == ["地域の産学官連携推進会議"]
    assert _titles(client, "連携推進") == ["地域の産学官連携推進会議"]
    assert _titles(client, "存在しない語") == []


def test_short_terms_and_several_terms(client, make_activity):
    make_activity(
        title="関東地域ブロック協議会", venue="さいたま新都心合同庁舎", visibility="public"
    )
    make_activity(title="近畿地域ブロック幹事会", block="kinki", visibility="public")

    # Two characters are below the trigram index: the LIKE fallback still finds them.
    assert _titles(client, "関東") == ["関東地域ブロック協議会"]
    assert sorted(_titles(client, "地域")) == ["近畿地域ブロック幹事会", "関東地域ブロック協議会"]
    # Every term must occur (full-width space separates terms as well).
    assert _titles(client, "ブロック\u3000合同庁舎") == ["関東地域ブロック協議会"]
    assert _titles(client, "ブロック 合同庁舎 近畿") == []


def test_searches_venue_description_and_case_and_width_variants(client, make_activity):
    make_activity(
        title="公募説明会",
        category="briefing",
        venue="大手町サンケイプラザ",
        description="戦略的情報通信研究開発推進制度(SCOPE)の公募について説明します。",
        visibility="public",
    )
    assert _titles(client, "サンケイ") == ["公募説明会"]
    assert _titles(client, "scope") == ["公募説明会"]
    assert _titles(client, "ＳＣＯＰＥ") == ["公募説明会"]  # full-width letters


def test_search_honours_activity_visibility(client, make_activity, login_as, member):
    make_activity(title="公開の産学官セミナー", visibility="public")
    make_activity(title="関東の産学官幹事会", visibility="members")
    make_activity(title="近畿の産学官幹事会", block="kinki", visibility="members")
    make_activity(title="事務局の産学官打合せ", visibility="secretariat")
    make_activity(title="削除した産学官会議", visibility="public", deleted_at=utc_now())

    assert _titles(client, "産学官") == ["公開の産学官セミナー"]
    login_as(member)
    assert sorted(_titles(client, "産学官")) == ["公開の産学官セミナー", "関東の産学官幹事会"]


def test_search_honours_minutes_rules(
    app, make_activity, make_user, login_as, member, secretariat, kinki_secretariat, hq
):
    kanto = make_activity(title="関東地域ブロック協議会", visibility="members")
    _minutes(kanto, status="approved", decisions="産学官連携の推進体制を決定した。")
    draft_meeting = make_activity(
        title="関東幹事会", start="2007-12-05 10:00", visibility="members"
    )
    _minutes(draft_meeting, status="draft", agenda="産学官の連絡体制(案)")

    def found(user):
        g.pop("_login_user", None)  # the tests share one app context between clients
        client = app.test_client()
        if user is not None:
            login_as(user, c=client)
        html = client.get("/search?q=産学官").get_data(as_text=True)
        return {
            "approved": "推進体制を決定" in html,
            "draft": "連絡体制(案)" in html,
        }

    assert found(None) == {"approved": False, "draft": False}
    assert found(member) == {
        "approved": True,
        "draft": False,
    }
    assert found(make_user(role="member", agency="近畿総合通信局")) == {
        "approved": False,
        "draft": False,
    }
    assert found(secretariat) == {"approved": True, "draft": True}
    assert found(kinki_secretariat) == {
        "approved": False,
        "draft": False,
    }
    assert found(hq) == {"approved": True, "draft": True}


def test_visible_minutes_clause_agrees_with_can_view_minutes(
    make_activity, make_user, member, secretariat, kinki_secretariat, hq, admin
):
    """The search's SQL rule and the minutes page's predicate must never disagree."""
    kinds = [
        {"visibility": "public", "participants_of": ["関東総合通信局"]},
        {"visibility": "members", "organizers": ["関東総合通信局"]},
        {"visibility": "members"},
        {"visibility": "members", "block": "kinki"},
        {"visibility": "secretariat"},
        {"visibility": "members", "block": None, "category": "council", "kind": "wg"},
    ]
    all_minutes = []
    for n, kind in enumerate(kinds):
        for status in ("draft", "circulated", "approved"):
            activity = make_activity(title=f"会議{n}{status}", **kind)
            all_minutes.append(_minutes(activity, status=status))
    users = [
        AnonymousUserMixin(),
        member,
        make_user(role="member", agency="近畿総合通信局"),
        secretariat,
        kinki_secretariat,
        hq,
        admin,
    ]
    for user in users:
        by_sql = set(
            db.session.scalars(
                sa.select(Minutes.id)
                .join(Activity, Activity.id == Minutes.activity_id)
                .where(permissions.visible_minutes_clause(user))
            )
        )
        by_predicate = {m.id for m in all_minutes if permissions.can_view_minutes(user, m)}
        assert by_sql == by_predicate, getattr(user, "email", "anonymous")
        assert by_predicate or user.is_anonymous or user.email.startswith("member")


def test_the_index_follows_edits_deletes_and_restores(client, make_activity, login_as, hq):
    login_as(hq)
    activity = make_activity(title="産学官交流会", visibility="public")
    minutes = _minutes(activity, status="approved", discussion="地域クラスターの連携を議論した。")
    assert sorted(_titles(client, "交流会")) == ["産学官交流会", "議事録: 産学官交流会"]

    update_activity(db.session.get(Activity, activity.id), actor=None, title="技術シーズ発表会")
    db.session.commit()
    assert _titles(client, "交流会") == []
    assert sorted(_titles(client, "シーズ発表")) == ["技術シーズ発表会", "議事録: 技術シーズ発表会"]

    minutes = db.session.get(Minutes, minutes.id)
    minutes.discussion = "ナノテクノロジー分野の連携を議論した。"
    db.session.commit()
    assert _titles(client, "ナノテク") == ["議事録: 技術シーズ発表会"]
    assert _titles(client, "クラスター") == []

    current = db.session.get(Activity, activity.id)
    current.deleted_at = utc_now()
    db.session.commit()
    assert _titles(client, "シーズ発表") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)) == 0

    current = db.session.get(Activity, activity.id)
    current.deleted_at = None
    db.session.commit()
    assert sorted(_titles(client, "シーズ発表")) == ["技術シーズ発表会", "議事録: 技術シーズ発表会"]


@pytest.mark.parametrize(
    "q", ['"', '"産学官"', "産学官*", "AND", "NEAR(産学 官)", "(産学", "a OR b", "%", "_", "\\"]
)
def test_query_syntax_is_taken_literally(client, make_activity, q):
    make_activity(title="地域の産学官連携推進会議", visibility="public")
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200


def test_percent_and_underscore_are_literal(client, make_activity):
    make_activity(title="達成率100%の報告会", visibility="public")
    make_activity(title="達成率1000の報告会", visibility="public")
    assert _titles(client, "0%") == ["達成率100%の報告会"]
    assert _titles(client, "100%の") == ["達成率100%の報告会"]


def test_a_too_long_query_is_refused_with_a_message(client):
    response = client.get("/search", query_string={"q": "あ" * 201})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "200文字以内" in html
    assert 'aria-invalid="true"' in html


def test_results_are_paged_with_a_bounded_number_of_queries(app, make_activity, count_queries):
    app.config["PAGE_SIZE"] = 5
    for n in range(12):
        make_activity(
            title=f"産学官セミナー第{n}回", start=f"2007-11-{n + 1:02d} 10:00", visibility="public"
        )
    client = app.test_client()

    first = _titles(client, "産学官")
    page2 = client.get("/search", query_string={"q": "産学官", "page": 2}).get_data(as_text=True)

    assert len(first) == 5 and first[0] == "産学官セミナー第11回"  # newest first
    assert "12件" in page2 and "2 / 3 ページ" in page2
    db.session.remove()
    with count_queries() as counter:
        client.get("/search", query_string={"q": "産学官"})
    assert counter["n"] <= 2


def test_rebuild_restores_documents_written_behind_the_orm(app, make_activity):
    activity = make_activity(title="産学官連携フォーラム", visibility="public")
    db.session.execute(sa.delete(SearchDocument))
    db.session.commit()
    assert queries.search(None, "フォーラム", limit=10)[0] == 0

    result = app.test_cli_runner().invoke(args=["search", "rebuild"])

    assert result.exit_code == 0, result.output
    assert "1 search documents rebuilt" in result.output
    total, hits = queries.search(None, "フォーラム", limit=10)
    assert total == 1 and hits[0].activity_id == activity.id


def test_the_migration_indexes_records_that_already_exist(app, make_activity, make_user):
    """Upgrading a database with data: migration 0003 builds the documents and the index."""
    activity = make_activity(title="地域の産学官連携推進会議", visibility="public")
    _minutes(activity, status="approved", agenda="平成19年度の活動計画")
    activity_id = activity.id
    db.session.remove()
    downgrade(revision="0002_insert_only")
    with db.engine.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM search_documents")).scalar() == 0
    upgrade()

    total, hits = queries.search(None, "産学官", limit=10)
    assert total == 1 and hits[0].activity_id == activity_id
    total, hits = queries.search(make_user(role="hq"), "活動計画", limit=10)
    assert total == 1 and hits[0].object_type == "minutes"


def test_results_link_to_the_activity_or_its_minutes(client, make_activity, login_as, hq):
    login_as(hq)
    activity = make_activity(title="産学官交流会", visibility="public")
    _minutes(activity, status="approved", agenda="産学官の交流について")

    html = client.get("/search", query_string={"q": "産学官"}).get_data(as_text=True)

    assert f'href="/activities/{activity.id}"' in html
    assert f'href="/activities/{activity.id}/minutes"' in html


def test_control_characters_in_a_query_are_harmless(client, make_activity):
    make_activity(title="地域の産学官連携推進会議", visibility="public")
    assert _titles(client, "産学官\x00連携") == ["地域の産学官連携推進会議"]
