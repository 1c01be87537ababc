"""The measures register tells its history: each year's published figures beside their lines,
successors, sub-programmes and flags; loops and measures ending before they start are refused."""

import re

import sqlalchemy as sa

from council.extensions import db
from council.measures.models import Measure


def _measure(name):
    return db.session.scalar(sa.select(Measure).where(Measure.name == name))


def _text(html):
    return re.sub(r"<[^>]+>", "", html)


def test_fy2005_to_fy2007_show_the_published_figures_with_their_lines(seeded, client):
    fy2005 = client.get("/measures/fy/2005").get_data(as_text=True)
    assert "8府省16施策 70,332百万円" in fy2005
    assert "施策別の予算行は登録されていません" in fy2005
    fy2006 = client.get("/measures/fy/2006").get_data(as_text=True)
    assert "8府省16施策 81,535百万円" in fy2006
    fy2007 = client.get("/measures/fy/2007").get_data(as_text=True)
    assert "8府省17施策 74,222百万円" in fy2007
    table = fy2007[fy2007.index('id="year-lines"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr data-measure="\d+">.*?</tr>', table, re.S)
    assert len(rows) == 18  # the lines that make up the total, sub-programmes apart
    assert "74,222" in _text(table.split("<tfoot>")[1])
    text = _text(fy2007)
    assert "予算行18行の合計74,222百万円は公表合計額と一致します" in text
    assert "予算行は18行、公表の施策数は17施策です(差+1)" in text
    assert "知的クラスター創成事業と都市エリア産学官連携促進事業を別々に数え始めた" in text
    # Sub-programmes and flags.
    assert "重点地域研究開発推進プログラム シーズ発掘試験" in text
    assert "地域結集型研究開発プログラム" in text
    assert text.count("課題の新規採択なし") == 2
    # The 医薬基盤研究所 line: the whole budget, of which the cluster part is a part.
    assert "クラスター関連分のみ" not in fy2007
    assert "クラスター関連の予算はその一部" in text


def test_fy2008_shows_the_successor_and_the_measures_that_ended(seeded, client):
    page = client.get("/measures/fy/2008").get_data(as_text=True)
    text = _text(page)
    assert "地域イノベーション協創プログラム" in text
    assert "未入力" in text  # no budget until one is entered
    ended = _text(page[page.index('id="ended"') :].split("</ul>", 1)[0])
    assert "地域新生コンソーシアム研究開発事業" in ended
    assert "地域新規産業創造技術開発費補助事業" in ended
    assert ended.count("後継: 地域イノベーション協創プログラム(平成20年度から)") == 2
    assert "先端技術を活用した農林水産研究高度化事業(農林水産省) 後継なし" in ended
    lines = page[page.index('id="year-lines"') :].split("</table>")[0]
    ended_id = _measure("地域新生コンソーシアム研究開発事業").id
    assert f'data-measure="{ended_id}"' not in lines
    assert f'data-measure="{_measure("地域イノベーション協創プログラム").id}"' in lines
    successor = _measure("地域イノベーション協創プログラム")
    detail = _text(client.get(f"/measures/{successor.id}").get_data(as_text=True))
    assert "前身地域新生コンソーシアム研究開発事業、地域新規産業創造技術開発費補助事業" in detail


def _edit_data(measure, **changes):
    data = {
        "ministry_id": str(measure.ministry_id),
        "name": measure.name,
        "note": measure.note,
        "first_fy": str(measure.first_fy or ""),
        "last_fy": str(measure.last_fy or ""),
        "successor_id": str(measure.successor_id or ""),
        "parent_id": str(measure.parent_id or ""),
    }
    for line in measure.budgets:
        data[f"budget_{line.fiscal_year}"] = str(line.amount_million)
    data.update(changes)
    return data


def test_a_successor_loop_is_refused_in_japanese_and_changes_nothing(seeded, login_as, client, hq):
    login_as(hq)
    successor = _measure("地域イノベーション協創プログラム")
    old = _measure("地域新生コンソーシアム研究開発事業")
    assert old.successor_id == successor.id
    response = client.post(
        f"/measures/{successor.id}/edit",
        data=_edit_data(successor, successor_id=str(old.id), note="変えたい"),
    )
    assert response.status_code == 400
    assert "自身に戻ってしまいます(循環)" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _measure("地域イノベーション協創プログラム").successor_id is None
    assert _measure("地域イノベーション協創プログラム").note != "変えたい"
    # A measure cannot be its own successor either.
    response = client.post(
        f"/measures/{old.id}/edit", data=_edit_data(old, successor_id=str(old.id))
    )
    assert response.status_code == 400


def test_a_measure_ending_before_it_starts_is_refused(seeded, login_as, client, hq):
    login_as(hq)
    measure = _measure("沖縄イノベーション創出事業")
    response = client.post(
        f"/measures/{measure.id}/edit", data=_edit_data(measure, last_fy="2006", note="x")
    )
    assert response.status_code == 400
    assert "終了年度は開始年度以降にしてください" in response.get_data(as_text=True)
    db.session.expire_all()
    measure = _measure("沖縄イノベーション創出事業")
    assert measure.last_fy is None and measure.note == ""


def test_the_service_refuses_an_end_before_the_start(seeded):
    import pytest

    from council.measures import services

    measure = _measure("沖縄イノベーション創出事業")
    with pytest.raises(services.MeasureError) as error:
        services.update_measure(
            measure,
            actor=None,
            ministry_id=measure.ministry_id,
            name=measure.name,
            note="",
            budgets={},
            first_fy=2007,
            last_fy=2005,
        )
    assert error.value.field == "last_fy"


def test_hq_records_a_measures_history_and_a_published_note(seeded, login_as, client, hq):
    login_as(hq)
    measure = _measure("建設技術研究開発助成制度")
    response = client.post(
        f"/measures/{measure.id}/edit",
        data=_edit_data(measure, first_fy="2005", last_fy="2008", no_new_adoption="y"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    measure = _measure("建設技術研究開発助成制度")
    assert (measure.first_fy, measure.last_fy, measure.flag_labels) == (
        2005,
        2008,
        ["課題の新規採択なし"],
    )
    response = client.post(
        "/measures/published/2007",
        data={
            "ministries_count": "8",
            "measures_count": "17",
            "amount_million": "74,222",
            "note": "本府省で補記した数え方の説明",
        },
    )
    assert response.status_code == 302
    assert "本府省で補記した数え方の説明" in client.get("/measures/fy/2007").get_data(as_text=True)
