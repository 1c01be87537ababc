"""The JSON API as SPEC defines it: shapes, visibility, authentication and bad parameters."""

import pytest

from council.accounts.services import issue_api_token, revoke_api_tokens
from council.extensions import db

FIELDS = {
    "id",
    "uid",
    "block",
    "category",
    "kind",
    "title",
    "start",
    "end",
    "venue",
    "status",
    "visibility",
    "participants",
}


@pytest.fixture
def activities(make_activity):
    return {
        "meeting": make_activity(
            block="kanto",
            category="council",
            status="held",
            visibility="members",
            start="2007-11-28 14:00",
            end="2007-11-28 16:30",
            venue="さいたま新都心合同庁舎",
            participants=32,
        ),
        "booklet": make_activity(
            block="kinki",
            category="publication",
            status="held",
            visibility="public",
            start="2008-03-31",
            title="事例集",
            is_all_day=True,
        ),
        "wg": make_activity(
            block=None,
            category="council",
            kind="wg",
            status="planned",
            visibility="members",
            start="2008-03-31 23:30",
            title="連携施策群WG",
        ),
        "next_year": make_activity(
            block="kanto", category="briefing", status="planned", start="2008-04-01 00:00"
        ),
    }


def _token(user) -> dict:
    token = issue_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_activities_list_has_the_spec_shape(activities, client, hq):
    headers = _token(hq)
    response = client.get("/api/v1/activities?fy=2007", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert set(data) == {"total", "activities"}
    assert data["total"] == 3  # 2008-03-31 23:30 JST is still FY2007; 04-01 00:00 is not
    rows = {r["title"]: r for r in data["activities"]}
    assert all(set(r) == FIELDS for r in data["activities"])
    meeting = rows["関東地域ブロック協議会"]
    assert meeting["block"] == "kanto" and meeting["category"] == "council"
    assert meeting["kind"] == "council"
    assert meeting["start"] == "2007-11-28T14:00:00+09:00"
    assert meeting["end"] == "2007-11-28T16:30:00+09:00"
    assert meeting["participants"] == 32 and meeting["status"] == "held"
    assert meeting["uid"] == activities["meeting"].uid
    assert rows["事例集"]["start"] == "2008-03-31" and rows["事例集"]["end"] is None
    assert rows["連携施策群WG"]["block"] is None and rows["連携施策群WG"]["kind"] == "wg"
    assert rows["連携施策群WG"]["start"] == "2008-03-31T23:30:00+09:00"


def test_activities_filters_and_paging(activities, client, hq):
    headers = _token(hq)

    def get(query):
        return client.get(f"/api/v1/activities?{query}", headers=headers).get_json()

    assert get("block=kanto")["total"] == 2
    assert get("block=hq")["activities"][0]["title"] == "連携施策群WG"
    assert get("category=publication")["total"] == 1
    assert get("status=planned&fy=2008")["total"] == 1
    first = get("limit=2")
    assert first["total"] == 4 and len(first["activities"]) == 2
    rest = get("limit=2&offset=2")
    assert rest["total"] == 4 and len(rest["activities"]) == 2
    ids = [a["id"] for a in first["activities"] + rest["activities"]]
    assert len(set(ids)) == 4
    starts = [a["start"][:10] for a in first["activities"] + rest["activities"]]
    assert starts == sorted(starts)
    assert get("limit=0") == {"total": 4, "activities": []}


def test_anonymous_callers_see_public_activities_only(activities, client):
    data = client.get("/api/v1/activities").get_json()
    assert [a["title"] for a in data["activities"]] == ["事例集"]
    assert data["total"] == 1


def test_session_and_token_see_what_the_user_may_see(activities, login_as, client, app, member):
    login_as(member)
    by_session = client.get("/api/v1/activities").get_json()
    other = app.test_client()
    by_token = other.get("/api/v1/activities", headers=_token(member)).get_json()
    titles = {a["title"] for a in by_session["activities"]}
    assert titles == {a["title"] for a in by_token["activities"]}
    assert "関東地域ブロック協議会" in titles and "事例集" in titles
    assert "連携施策群WG" not in titles  # HQ meetings are not a member's


def test_a_revoked_or_wrong_token_gets_401_not_the_public_view(seeded, client, hq):
    headers = _token(hq)
    revoke_api_tokens(hq)
    db.session.commit()
    for h in (headers, {"Authorization": "Bearer not-a-token"}):
        response = client.get("/api/v1/activities", headers=h)
        assert response.status_code == 401
        assert "トークン" in response.get_json()["error"]


def test_report_counts_every_block_and_category(activities, make_activity, make_user, client):
    make_activity(block="kanto", category="council", status="cancelled", start="2007-12-01")
    make_activity(block=None, category="council", kind="pt", status="held", title="PT")
    response = client.get("/api/v1/reports/fy/2007", headers=_token(make_user(role="secretariat")))
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {
        "fiscal_year",
        "label",
        "counts",
        "planned",
        "hq_meetings",
        "national",
        "national_planned",
        "by_kind",
        "planned_by_kind",
    }
    assert data["fiscal_year"] == 2007 and data["label"] == "平成19年度"
    assert list(data["counts"]) == [
        "hokkaido",
        "tohoku",
        "kanto",
        "chubu",
        "hokuriku",
        "kinki",
        "chugoku",
        "shikoku",
        "kyushu",
        "okinawa",
    ]
    for table in ("counts", "planned"):
        assert all(len(row) == 9 for row in data[table].values())
    assert data["counts"]["kanto"]["council"] == 1
    assert data["counts"]["kinki"]["publication"] == 1
    assert data["planned"]["kanto"]["council"] == 1  # the cancelled one is not planned
    assert data["counts"]["kanto"]["briefing"] == 0  # 2008-04-01 belongs to FY2008
    assert data["hq_meetings"] == {"wg": 0, "pt": 1, "tf": 0}


def test_report_needs_authentication(seeded, client):
    response = client.get("/api/v1/reports/fy/2007")
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert "認証が必要です" in response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "query,word",
    [
        ("fy=abc", "fy"),
        ("fy=1800", "fy"),
        ("limit=10001", "limit"),
        ("limit=-1", "limit"),
        ("limit=many", "limit"),
        ("offset=-5", "offset"),
        ("status=done", "status"),
        ("block=nowhere", "block"),
        ("category=meeting", "category"),
    ],
)
def test_bad_parameters_get_400_with_a_japanese_message(query, word, seeded, client):
    response = client.get(f"/api/v1/activities?{query}")
    assert response.status_code == 400
    message = response.get_json()["error"]
    assert word in message
    assert "指定" in message or "ありません" in message


def test_bad_year_and_unknown_urls_answer_json(seeded, client, hq):
    headers = _token(hq)
    response = client.get("/api/v1/reports/fy/1850", headers=headers)
    assert response.status_code == 400 and "年度" in response.get_json()["error"]
    response = client.get("/api/v1/nothing/here", headers=headers)
    assert response.status_code == 404 and response.get_json()["error"]


def test_the_api_runs_a_fixed_number_of_queries(make_activity, app, count_queries, hq):
    client = app.test_client()
    headers = _token(hq)

    def measure(url):
        client.get(url, headers=headers)
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url, headers=headers).status_code == 200
        return counter["n"]

    urls = ["/api/v1/activities?fy=2007", "/api/v1/reports/fy/2007"]
    make_activity(block="kanto", status="held")
    small = {url: measure(url) for url in urls}
    for i in range(30):
        make_activity(block=("kanto", "kinki")[i % 2], status="held", title=f"会議{i}")
    assert {url: measure(url) for url in urls} == small
