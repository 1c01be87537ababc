"""The reference lists that the directory, the portal and the analysis share."""

import sqlalchemy as sa

from council.extensions import db
from council.reference.models import ClusterRegion, Prefecture, ResearchField
from council.reference.queries import (
    list_cluster_regions,
    list_prefectures,
    list_research_fields,
    prefecture_by_code_or_name,
)
from council.seed import seed_all

EXPECTED_BLOCK_PREFECTURES = {
    "hokkaido": ["01"],
    "tohoku": ["02", "03", "04", "05", "06", "07"],
    "kanto": ["08", "09", "10", "11", "12", "13", "14", "15", "19", "20", "22"],
    "chubu": ["21", "23", "24"],
    "hokuriku": ["16", "17", "18"],
    "kinki": ["25", "26", "27", "28", "29", "30"],
    "chugoku": ["31", "32", "33", "34", "35"],
    "shikoku": ["36", "37", "38", "39"],
    "kyushu": ["40", "41", "42", "43", "44", "45", "46"],
    "okinawa": ["47"],
}


def test_research_fields_in_basic_plan_order(seeded):
    fields = list_research_fields()
    assert [f.code for f in fields] == [
        "life", "ict", "env", "nano", "energy", "monozukuri", "infra", "frontier", "other",
    ]  # fmt: skip
    assert fields[0].name == "ライフサイエンス"
    assert fields[3].name == "ナノテクノロジー・材料"


def test_every_prefecture_sits_in_the_block_of_the_specification(seeded):
    prefectures = list_prefectures()
    assert len(prefectures) == 47
    by_block: dict[str, list[str]] = {}
    for pref in prefectures:
        assert pref.id == int(pref.code)
        by_block.setdefault(pref.block.code, []).append(pref.code)
    assert by_block == EXPECTED_BLOCK_PREFECTURES


def test_cluster_regions_of_the_study(seeded):
    regions = list_cluster_regions()
    assert len(regions) == 18
    names = {r.name for r in regions}
    for name in (
        "札幌",
        "十勝",
        "長野",
        "浜松",
        "京都",
        "神戸",
        "北九州",
        "久留米",
        "福岡",
        "沖縄",
    ):
        assert name in names
    for region in regions:
        # A region lies in the prefectures of its own block.
        assert region.prefectures
        assert {p.block_id for p in region.prefectures} == {region.block_id}


def test_prefecture_lookup_by_code_or_name(seeded):
    assert prefecture_by_code_or_name("13").name == "東京都"
    assert prefecture_by_code_or_name("1").name == "北海道"
    assert prefecture_by_code_or_name("大阪府").code == "27"
    assert prefecture_by_code_or_name("大阪") is None
    assert prefecture_by_code_or_name("48") is None


def test_seeding_twice_changes_nothing(seeded):
    def snapshot():
        return (
            db.session.execute(sa.select(ResearchField.code, ResearchField.name)).all(),
            db.session.execute(sa.select(Prefecture.code, Prefecture.block_id)).all(),
            db.session.execute(sa.select(ClusterRegion.code, ClusterRegion.block_id)).all(),
        )

    before = snapshot()
    seed_all()
    db.session.commit()
    assert snapshot() == before


def test_seed_keeps_a_region_that_headquarters_renamed(seeded):
    region = db.session.scalar(sa.select(ClusterRegion).filter_by(code="kurume"))
    region.name = "久留米・鳥栖"
    db.session.commit()
    seed_all()
    db.session.commit()
    assert (
        db.session.scalar(sa.select(ClusterRegion.name).filter_by(code="kurume")) == "久留米・鳥栖"
    )
