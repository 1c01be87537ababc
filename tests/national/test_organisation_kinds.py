"""Organisations of nine kinds: a database of the old shape migrates (SQLite and PostgreSQL),
the directory shows prefectural departments with no ministry, the form asks a ministry only
where the kind implies one, the CSV carries the prefecture, and the lists filter by both."""

import io

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from council.directory.models import Agency
from council.extensions import db


def _agency(name):
    return db.session.scalar(sa.select(Agency).where(Agency.name == name))


def test_upgrading_a_database_of_the_old_shape_rekinds_the_other_rows(seeded, app):
    db.session.remove()
    downgrade(revision="0004_reference_lists")
    with db.engine.begin() as conn:
        # The old shape: every agency had a ministry, and local governments and universities
        # were filed as `other` under 総務省 / 文部科学省.
        old = dict(
            conn.execute(
                sa.text("SELECT name, kind FROM agencies WHERE name IN (:a, :b, :c)"),
                {
                    "a": "宮城県 経済商工観光部 新産業振興課",
                    "b": "東北大学 産学連携推進本部",
                    "c": "東北経済産業局",
                },
            ).all()
        )
        assert old == {
            "宮城県 経済商工観光部 新産業振興課": "other",
            "東北大学 産学連携推進本部": "other",
            "東北経済産業局": "branch",
        }
        soumu = conn.execute(sa.text("SELECT id FROM ministries WHERE name = '総務省'")).scalar()
        for name in ("浜松市 産業部 産業振興課", "静岡県工業技術研究所", "地域の産業支援財団"):
            conn.execute(
                sa.text(
                    "INSERT INTO agencies (name, kind, ministry_id, city, is_active, created_at,"
                    " updated_at) VALUES (:n, 'other', :m, '', :t, :now, :now)"
                ),
                {"n": name, "m": soumu, "t": True, "now": "2007-04-01 00:00:00"},
            )
    upgrade()
    db.session.remove()
    kinds = {
        name: (_agency(name).kind, _agency(name).ministry_id)
        for name in (
            "宮城県 経済商工観光部 新産業振興課",
            "東北大学 産学連携推進本部",
            "浜松市 産業部 産業振興課",
            "静岡県工業技術研究所",
            "地域の産業支援財団",
        )
    }
    assert kinds == {
        "宮城県 経済商工観光部 新産業振興課": ("prefecture", None),
        "東北大学 産学連携推進本部": ("university", None),
        "浜松市 産業部 産業振興課": ("municipality", None),
        "静岡県工業技術研究所": ("public_lab", None),
        "地域の産業支援財団": ("other", None),
    }
    branch = _agency("東北経済産業局")
    assert branch.kind == "branch" and branch.ministry.name == "経済産業省"
    # Nothing is left of the old shape: every branch office and IAA has its ministry.
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Agency)
            .where(Agency.kind.in_(["branch", "iaa"]), Agency.ministry_id.is_(None))
        )
        == 0
    )


def test_the_directory_shows_prefectural_departments_without_a_ministry(
    seeded, login_as, client, hq
):
    login_as(hq)
    page = client.get("/blocks/tohoku").get_data(as_text=True)
    row = page[page.index("宮城県 経済商工観光部 新産業振興課") :].split("</tr>", 1)[0]
    assert "<td>—</td>" in row and "都道府県" in row and "宮城県" in row
    agency = _agency("宮城県 経済商工観光部 新産業振興課")
    detail = client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "府省に属さない機関" in detail
    # Filters by kind and prefecture.
    only = client.get("/agencies?kind=prefecture").get_data(as_text=True)
    assert "宮城県 経済商工観光部 新産業振興課" in only and "東北経済産業局" not in only
    miyagi = client.get("/agencies?pref=04").get_data(as_text=True)
    assert "東北大学 産学連携推進本部" in miyagi and "北海道大学" not in miyagi
    roster = client.get("/blocks/tohoku?kind=university").get_data(as_text=True)
    roster = roster[roster.index('id="roster"') :].split("</table>", 1)[0]
    assert "東北大学 産学連携推進本部" in roster and "東北経済産業局" not in roster


def test_the_ministry_is_required_only_where_the_kind_implies_one(seeded, login_as, client, admin):
    from council.directory.models import Block

    login_as(admin)
    kanto = db.session.scalar(sa.select(Block).where(Block.code == "kanto"))
    base = {"block_id": str(kanto.id), "first_fy": "2007", "city": "さいたま", "ministry_id": ""}
    response = client.post("/agencies/new", data={**base, "name": "関東某局", "kind": "branch"})
    assert response.status_code == 400
    assert "府省を選択してください" in response.get_data(as_text=True)
    assert _agency("関東某局") is None
    response = client.post(
        "/agencies/new",
        data={
            **base,
            "name": "埼玉県 産業労働部 企画課",
            "kind": "prefecture",
            "prefecture_id": "11",
        },
    )
    assert response.status_code == 302
    created = _agency("埼玉県 産業労働部 企画課")
    assert created.ministry_id is None and created.prefecture.name == "埼玉県"


def test_the_directory_csv_reads_a_prefecture_by_code_or_name(seeded, login_as, client, admin):
    login_as(admin)
    body = (
        "block,agency,ministry,kind,prefecture,city,first_fy\r\n"
        "kanto,群馬県 産業経済部 企画課,,prefecture,10,前橋,2007\r\n"
        "kanto,千葉大学 産学連携推進本部,,university,千葉県,千葉,2007\r\n"
    ).encode()
    response = client.post(
        "/directory/import",
        data={"file": (io.BytesIO(body), "d.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:1500]
    assert _agency("群馬県 産業経済部 企画課").prefecture.name == "群馬県"
    assert _agency("千葉大学 産学連携推進本部").prefecture.code == "12"
    bad = body.replace(b",10,", b",99,").replace("千葉大学".encode(), "筑波大学".encode())
    response = client.post(
        "/directory/import",
        data={"file": (io.BytesIO(bad), "d.csv")},
        content_type="multipart/form-data",
    )
    assert "都道府県「99」はありません" in response.get_data(as_text=True)
    assert _agency("筑波大学 産学連携推進本部") is None
