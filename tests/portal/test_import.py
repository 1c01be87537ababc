"""Register imports: CSV in UTF-8, BOM or Shift_JIS, and XLSX; all or nothing with line-numbered
Japanese problems; idempotent on the natural key; the export reads back unchanged."""

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from council.audit.models import AuditEntry
from council.extensions import db
from council.portal.csv.exporter import export_csv, export_xlsx
from council.portal.csv.importer import import_register
from council.portal.models import SupportMeasure
from council.tables.results import ImportRejected
from tests.portal import factories as f

MEASURES = (
    "実施機関,支援策名,年度,対象,研究分野,対象ブロック,公募開始,締切,金額下限(千円),金額上限(千円)\n"
    '九州経済産業局,燃料電池 実用化助成,平成19年度,企業,エネルギー;環境,九州,2007/11/28,H19.12.28,1000,"5,000"\n'
    "近畿経済産業局,ナノ材料 試作支援,2007,company,nano,kinki,2007-10-01,2007-10-31,,\n"
)


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _audit_count():
    return _count(AuditEntry)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_importing_the_same_file_twice_changes_nothing(seeded, encoding):
    data = MEASURES.encode(encoding)
    first = import_register("measures", data, actor=None, check_permissions=False)
    db.session.commit()
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    audit = _audit_count()
    second = import_register("measures", data, actor=None, check_permissions=False)
    db.session.commit()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert _audit_count() == audit
    m = db.session.scalar(
        sa.select(SupportMeasure).where(SupportMeasure.name == "燃料電池 実用化助成")
    )
    assert (m.fiscal_year, str(m.opens_on), str(m.closes_on), m.amount_max) == (
        2007,
        "2007-11-28",
        "2007-12-28",
        5000,
    )
    assert {x.code for x in m.fields} == {"energy", "env"}
    assert [b.code for b in m.blocks] == ["kyushu"]


def test_a_changed_row_updates_only_that_record(seeded):
    import_register("measures", MEASURES.encode(), actor=None, check_permissions=False)
    db.session.commit()
    edited = MEASURES.replace("2007-10-31", "2007-11-15").encode()
    summary = import_register("measures", edited, actor=None, check_permissions=False)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)


def test_a_file_with_bad_rows_is_refused_whole_with_every_problem(seeded):
    bad = MEASURES + (
        "九州経済産業局,逆転した期間,2007,,,,2007/12/01,2007/11/01,,\n"
        "架空の機関,名前,2007,,,,,,,\n"
        "九州経済産業局,,2007,,,,,,,\n"
        "九州経済産業局,燃料電池 実用化助成,平成19年度,,,,,,,\n"
    )
    with pytest.raises(ImportRejected) as refused:
        import_register("measures", bad.encode("cp932"), actor=None, check_permissions=False)
    messages = [str(p) for p in refused.value.problems]
    assert messages == [
        "4行目 締切列: 締切が公募開始より前になっています。",
        "5行目 実施機関列: 「架空の機関」という機関は登録されていません。先に機関の名簿に登録してください。",
        "6行目 支援策名列: 支援策名を入力してください。",
        "7行目: 2行目と同じ情報(同じキー)です。",
    ]
    db.session.rollback()
    assert _count(SupportMeasure) == 0


def test_xlsx_imports_like_csv(seeded):
    book = Workbook()
    sheet = book.active
    sheet.append(["organisation", "name", "prefecture", "kind", "fields"])
    f.org("大阪府立産業技術総合研究所", "public_lab", "27")
    db.session.commit()
    sheet.append(["大阪府立産業技術総合研究所", "電子顕微鏡", 27, "共用機器", "nano"])
    out = io.BytesIO()
    book.save(out)
    summary = import_register(
        "facilities", out.getvalue(), actor=None, check_permissions=False, filename="f.xlsx"
    )
    db.session.commit()
    assert summary.created == 1
    again = import_register(
        "facilities", out.getvalue(), actor=None, check_permissions=False, filename="f.xlsx"
    )
    assert again.unchanged == 1


def test_every_register_exports_and_reimports_unchanged(seeded):
    f.measure("燃料電池 実用化助成")
    f.facility('=HYPERLINK("http://evil")')
    f.theme("燃料電池セパレータ", participants="大阪府立産業技術総合研究所")
    f.news("セミナー")
    for kind in ("measures", "facilities", "themes", "news"):
        data = export_csv(kind)
        assert data.startswith(b"\xef\xbb\xbf")
        if kind == "facilities":
            assert "'=HYPERLINK" in data.decode("utf-8-sig")
            continue  # the formula guard changes the name on purpose
        summary = import_register(kind, data, actor=None, check_permissions=False)
        assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1), kind
        summary = import_register(
            kind, export_xlsx(kind), actor=None, check_permissions=False, filename="x.xlsx"
        )
        assert summary.unchanged == 1, kind


def test_a_secretariat_imports_only_its_own_block(secretariat):
    with pytest.raises(ImportRejected) as refused:
        import_register("measures", MEASURES.encode(), actor=secretariat)
    assert refused.value.is_forbidden
    assert [p.line for p in refused.value.problems] == [2, 3]


def test_the_command_imports_reports_and_exits_non_zero_on_problems(seeded, tmp_path):
    from council.portal.cli import portal_cli

    good = tmp_path / "measures.csv"
    good.write_bytes(MEASURES.encode("utf-8-sig"))
    runner = seeded.test_cli_runner()
    result = runner.invoke(portal_cli, ["import", "measures", str(good), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would import" in result.output
    assert _count(SupportMeasure) == 0
    result = runner.invoke(portal_cli, ["import", "measures", str(good)])
    assert result.exit_code == 0 and "2 created" in result.output
    result = runner.invoke(portal_cli, ["import", "measures", str(good)])
    assert "0 created, 0 updated, 2 unchanged" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("organisation,name,colour\n", encoding="utf-8")
    result = runner.invoke(portal_cli, ["import", "facilities", str(bad)])
    assert result.exit_code == 1
    assert "列「colour」はこの台帳にありません" in result.output
