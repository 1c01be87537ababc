"""The funding import (page and `flask import-funding`): all or nothing, line-numbered
Japanese errors, idempotent, CSV in UTF-8 or Shift_JIS, and XLSX."""

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from council.analysis.funding.models import FundingRecord
from council.extensions import db

HEADER = "年度,区分,府省,施策,ブロック,都道府県,研究分野,案件名,金額(百万円)\n"
GOOD = (
    HEADER
    + '平成18年度,大型プロジェクト,文部科学省,知的クラスター創成事業(第I期),近畿,27,ライフサイエンス,関西バイオ拠点,"2,000.5"\n'
    + "2006,grant,経済産業省,,kanto,,ict,情報家電の共同研究,120\n"
)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(FundingRecord))


def _upload(client, data: bytes, name="funding.csv", **extra):
    return client.post(
        "/analysis/funding/import",
        data={"file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def test_a_good_file_imports_and_a_second_import_changes_nothing(seeded, hq_client):
    response = _upload(hq_client, GOOD.encode("utf-8-sig"))
    assert response.status_code == 200
    assert "新規 2件" in response.get_data(as_text=True)
    rows = db.session.scalars(sa.select(FundingRecord).order_by(FundingRecord.id)).all()
    assert [(r.fiscal_year, r.kind, str(r.amount_million), r.prefecture_id) for r in rows] == [
        (2006, "large", "2000.5", 27),
        (2006, "grant", "120", None),
    ]
    response = _upload(hq_client, GOOD.encode("cp932"))
    assert "新規 0件、更新 0件、変更なし 2件" in response.get_data(as_text=True)
    assert _count() == 2
    changed = GOOD.replace(",120\n", ",130.5\n")
    response = _upload(hq_client, changed.encode("utf-8"))
    assert "新規 0件、更新 1件、変更なし 1件" in response.get_data(as_text=True)


def test_a_dry_run_imports_nothing(seeded, hq_client):
    response = _upload(hq_client, GOOD.encode("utf-8"), dry_run="y")
    assert "取り込んでいません" in response.get_data(as_text=True)
    assert _count() == 0


def test_an_xlsx_file_imports_the_same_way(seeded, hq_client):
    wb = Workbook()
    ws = wb.active
    for line in GOOD.strip().split("\n"):
        ws.append(next(iter(__import__("csv").reader([line]))))
    ws["I3"] = 120  # a number cell, as Excel keeps it
    buffer = io.BytesIO()
    wb.save(buffer)
    response = _upload(hq_client, buffer.getvalue(), name="funding.xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _count() == 2


BAD_CASES = [
    (
        "2006,grant,経済産業省,,関東州,,ict,x,1\n",
        "2行目 ブロック列: ブロック「関東州」はありません。",
    ),
    (
        "2006,grant,経済産業省,,kanto,,宇宙,x,1\n",
        "2行目 研究分野列: 研究分野「宇宙」はありません。",
    ),
    (
        "2006,grant,経済産業省,,kanto,,ict,x,-3.5\n",
        "2行目 金額(百万円)列: 金額に負の値は入力できません。",
    ),
    ("1999,grant,経済産業省,,kanto,,ict,x,1\n", "2行目 年度列: 年度は2000〜2100の西暦"),
    ("2006,grant,経済産業省,,kanto,,ict,x,1.25\n", "2行目 金額(百万円)列: 金額は小数第1位まで"),
    (
        "2006,grant,経済産業省,,kanto,27,ict,x,1\n",
        "2行目 都道府県列: 大阪府は関東ブロックの都道府県ではありません。",
    ),
]


@pytest.mark.parametrize(("row", "message"), BAD_CASES)
def test_a_bad_row_rejects_the_whole_file_with_its_line_number(seeded, hq_client, row, message):
    data = (HEADER + row + "2006,grant,経済産業省,,kanto,,ict,正しい行,1\n").encode("utf-8")
    response = _upload(hq_client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert _count() == 0


def test_shift_jis_with_a_broken_byte_is_refused_with_its_line(seeded, hq_client):
    data = GOOD.encode("cp932") + "2006,grant,経済産業省,,kanto,,ict,壊れた".encode("cp932")
    data += b"\x82\n"  # a lead byte without its trail byte
    response = _upload(hq_client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "4行目: 文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。" in html
    assert _count() == 0


def test_every_problem_of_the_file_is_listed(seeded, hq_client):
    data = (
        HEADER + "2006,grant,経済産業省,,関東州,,ict,x,1\n\n2006,big,経済産業省,,kanto,,ict,y,-1\n"
    ).encode()
    html = _upload(hq_client, data).get_data(as_text=True)
    assert "2行目 ブロック列" in html
    assert "4行目 区分列" in html and "4行目 金額(百万円)列" in html


def test_the_command_imports_and_refuses_with_reasons_on_stderr(seeded, app, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD.encode("cp932"))
    result = runner.invoke(args=["import-funding", str(good), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would import" in result.output and _count() == 0
    result = runner.invoke(args=["import-funding", str(good)])
    assert result.exit_code == 0 and "2 created" in result.output
    result = runner.invoke(args=["import-funding", str(good)])
    assert "0 created, 0 updated, 2 unchanged" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + "2006,grant,経済産業省,,kanto,,ict,新規,-1\n").encode())
    result = runner.invoke(args=["import-funding", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2: 金額(百万円): 金額に負の値は入力できません。" in result.stderr
    assert _count() == 2
