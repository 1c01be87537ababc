"""One record of a portal register as text cells (a CSV row or a form), cleaned and checked.

The import and the edit forms share this: the same columns, the same rules, the same Japanese
messages. clean() returns the values to store and a message per bad column.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from council.activities.models import Activity
from council.cleaning import has_control
from council.directory.models import Agency, Block, Ministry
from council.extensions import db
from council.measures.models import Measure
from council.portal.models import FACILITY_KINDS, MEASURE_TARGETS, NEWS_KINDS, RECORD_STATUSES
from council.portal.values import nfkc, parse_amount, parse_date, parse_fiscal_year
from council.reference.models import Prefecture, ResearchField

# (column code, Japanese header, required)
COLUMNS = {
    "measures": (
        ("organisation", "実施機関", True),
        ("name", "支援策名", True),
        ("fiscal_year", "年度", True),
        ("ministry", "府省", False),
        ("measure", "関連施策", False),
        ("target", "対象", False),
        ("fields", "研究分野", False),
        ("blocks", "対象ブロック", False),
        ("prefectures", "対象都道府県", False),
        ("amount_min", "金額下限(千円)", False),
        ("amount_max", "金額上限(千円)", False),
        ("opens_on", "公募開始", False),
        ("closes_on", "締切", False),
        ("url", "URL", False),
        ("contact", "問い合わせ先", False),
        ("description", "概要", False),
        ("status", "公開状態", False),
    ),
    "facilities": (
        ("organisation", "設置機関", True),
        ("name", "施設名", True),
        ("prefecture", "都道府県", True),
        ("kind", "種類", False),
        ("fields", "研究分野", False),
        ("conditions", "利用条件", False),
        ("fees", "利用料金", False),
        ("contact", "問い合わせ先", False),
        ("url", "URL", False),
        ("description", "概要", False),
        ("status", "公開状態", False),
    ),
    "themes": (
        ("programme", "事業名", True),
        ("fiscal_year", "採択年度", True),
        ("title", "テーマ名", True),
        ("organisation", "代表機関", True),
        ("participants", "参画機関", False),
        ("field", "研究分野", False),
        ("block", "ブロック", False),
        ("budget", "予算(千円)", False),
        ("summary", "概要", False),
        ("status", "公開状態", False),
    ),
    "news": (
        ("date", "日付", True),
        ("title", "件名", True),
        ("kind", "種類", False),
        ("block", "ブロック", False),
        ("field", "研究分野", False),
        ("place", "会場", False),
        ("url", "URL", False),
        ("body", "本文", False),
        ("status", "公開状態", False),
        ("activity", "元の活動ID", False),
    ),
}
LABELS = {t: {c: label for c, label, _ in cols} for t, cols in COLUMNS.items()}
LIMITS = {
    "name": 200,
    "title": 200,
    "programme": 200,
    "place": 200,
    "contact": 200,
    "url": 500,
    "fees": 500,
}
TEXT_LIMIT = 10_000
_SPLIT = re.compile(r"[;;、,]")
MULTILINE = {"description", "conditions", "summary", "body"}


def _choices(mapping: dict[str, str]) -> dict[str, str]:
    return {**{k: k for k in mapping}, **{v: k for k, v in mapping.items()}}


class Lookups:
    """Names and codes the cells may use, read once per import (or form)."""

    def __init__(self):
        self.agencies = {
            a.name: a
            for a in db.session.execute(
                sa.select(
                    Agency.id, Agency.name, Agency.kind, Agency.prefecture_id, Agency.ministry_id
                )
            )
        }
        prefs = db.session.execute(
            sa.select(Prefecture.id, Prefecture.code, Prefecture.name, Prefecture.block_id)
        ).all()
        self.prefs = {**{p.code: p for p in prefs}, **{p.name: p for p in prefs}}
        self.pref_block = {p.id: p.block_id for p in prefs}
        blocks = db.session.execute(sa.select(Block.id, Block.code, Block.name)).all()
        self.blocks = {**{b.code: b.id for b in blocks}, **{b.name: b.id for b in blocks}}
        fields = db.session.execute(
            sa.select(ResearchField.id, ResearchField.code, ResearchField.name)
        ).all()
        self.fields = {**{f.code: f.id for f in fields}, **{f.name: f.id for f in fields}}
        self.ministries = dict(db.session.execute(sa.select(Ministry.name, Ministry.id)).all())
        self.measures = dict(db.session.execute(sa.select(Measure.name, Measure.id)).all())


@dataclass
class Cleaned:
    values: dict
    errors: dict[str, str]


def clean(kind: str, cells: dict[str, str], lookups: Lookups) -> Cleaned:
    """Turn the cells of one record into values; a Japanese message per bad column."""
    errors: dict[str, str] = {}
    cell = _Cells(_texts(kind, cells, errors), lookups, errors)
    status = cell.one_of(
        "status", _choices(RECORD_STATUSES), "公開状態「{}」は選べません(下書き・公開・取下げ)。"
    )
    values: dict = {"status": status or "published"}
    values.update(_BUILDERS[kind](cell))
    return Cleaned(values, errors)


def _texts(kind: str, cells: dict[str, str], errors: dict[str, str]) -> dict[str, str]:
    """Every column's text, stripped; a column with control characters, too long or required
    and empty gets its message and no text, so that the typed readers below skip it."""
    raw = {}
    for column, label, required in COLUMNS[kind]:
        text = cells.get(column)
        text = "" if text is None else str(text)
        multiline = column in MULTILINE
        limit = TEXT_LIMIT if multiline else LIMITS.get(column, 200)
        if has_control(text, multiline=multiline):
            errors[column] = "制御文字は使えません。"
            continue
        text = text.strip()
        if len(text) > limit:
            errors[column] = f"{limit:,}文字以内で入力してください(現在{len(text):,}文字)。"
            continue
        if required and not text:
            errors[column] = f"{label}を入力してください。"
            continue
        raw[column] = text
    return raw


PREF_MESSAGE = "都道府県「{}」はありません(例: 13 または 東京都)。"
FIELD_MESSAGE = "研究分野「{}」はありません(例: life または ライフサイエンス)。"
BLOCK_MESSAGE = "ブロック「{}」はありません(例: kyushu または 九州)。"


class _Cells:
    """Typed readers of one record's texts: each returns the value (None when empty) and
    records a message for its column when the text names nothing or cannot be read."""

    def __init__(self, raw: dict[str, str], lookups: Lookups, errors: dict[str, str]):
        self.raw, self.lookups, self.errors = raw, lookups, errors

    def text(self, column: str, default=None):
        return self.raw.get(column, default)

    def org(self, column: str):
        name = self.raw.get(column)
        if not name:
            return None
        agency = self.lookups.agencies.get(name) or self.lookups.agencies.get(nfkc(name))
        if agency is None:
            self.errors[column] = (
                f"「{name}」という機関は登録されていません。先に機関の名簿に登録してください。"
            )
        return agency

    def one_of(self, column: str, table: dict, message: str):
        text = self.raw.get(column)
        if not text:
            return None
        found = table.get(text, table.get(nfkc(text)))
        if found is None:
            self.errors[column] = message.format(text)
        return found

    def many(self, column: str, table: dict, message: str) -> list:
        out = []
        for part in _SPLIT.split(self.raw.get(column) or ""):
            part = part.strip()
            if not part:
                continue
            found = table.get(part, table.get(nfkc(part)))
            if found is None:
                self.errors[column] = message.format(part)
            elif found not in out:
                out.append(found)
        return out

    def participants(self, column: str) -> list[int]:
        """Agency names exactly as registered (no NFKC here, as the import always had it)."""
        ids: list[int] = []
        for part in _SPLIT.split(self.raw.get(column) or ""):
            part = part.strip()
            if part:
                found = self.lookups.agencies.get(part)
                if found is None:
                    self.errors[column] = f"「{part}」という機関は登録されていません。"
                elif found.id not in ids:
                    ids.append(found.id)
        return ids

    def fiscal_year(self, column: str) -> int | None:
        text = self.raw.get(column)
        if not text:
            return None
        year = parse_fiscal_year(text)
        if year is None:
            self.errors[column] = f"年度「{text}」を読み取れません(例: 2007 または 平成19年度)。"
        return year

    def day(self, column: str):
        text = self.raw.get(column)
        if not text:
            return None
        value = parse_date(text)
        if value is None:
            self.errors[column] = (
                f"日付「{text}」を読み取れません(例: 2007/11/28、平成19年11月28日)。"
            )
        return value

    def amount(self, column: str) -> int | None:
        text = self.raw.get(column)
        if not text:
            return None
        try:
            return parse_amount(text)
        except ValueError:
            self.errors[column] = "金額は0以上の整数(千円単位)で入力してください。"
            return None

    def url(self, column: str) -> str:
        text = self.raw.get(column) or ""
        if text and not _URL.match(text):
            self.errors[column] = "URLは http:// または https:// で始まる形で入力してください。"
        return text


_URL = re.compile(r"^https?://[^\s<>\"]+$")


def _measure(cell: _Cells) -> dict:
    agency = cell.org("organisation")
    lookups = cell.lookups
    values = dict(
        offering_agency_id=agency.id if agency else None,
        name=cell.text("name"),
        fiscal_year=cell.fiscal_year("fiscal_year"),
        ministry_id=cell.one_of("ministry", lookups.ministries, "府省「{}」はありません。"),
        measure_id=cell.one_of(
            "measure", lookups.measures, "施策「{}」は施策一覧(表-1)にありません。"
        ),
        target=cell.one_of("target", _choices(MEASURE_TARGETS), "対象「{}」は選べません。")
        or "company",
        field_ids=cell.many("fields", lookups.fields, FIELD_MESSAGE),
        block_ids=cell.many("blocks", lookups.blocks, BLOCK_MESSAGE),
        prefecture_ids=[p.id for p in cell.many("prefectures", lookups.prefs, PREF_MESSAGE)],
        amount_min=cell.amount("amount_min"),
        amount_max=cell.amount("amount_max"),
        opens_on=cell.day("opens_on"),
        closes_on=cell.day("closes_on"),
        url=cell.url("url"),
        contact=cell.text("contact", ""),
        description=cell.text("description", ""),
    )
    if values["ministry_id"] is None and agency is not None:
        values["ministry_id"] = agency.ministry_id
    _check_ranges(values, cell.errors)
    values["_block_id"] = _managing_block(agency, lookups)
    return values


def _check_ranges(values: dict, errors: dict[str, str]) -> None:
    """A call that closes before it opens, or a maximum under the minimum, is a typing error."""
    if values["opens_on"] and values["closes_on"] and values["closes_on"] < values["opens_on"]:
        errors["closes_on"] = "締切が公募開始より前になっています。"
    if (
        values["amount_min"] is not None
        and values["amount_max"] is not None
        and values["amount_max"] < values["amount_min"]
    ):
        errors["amount_max"] = "金額の上限が下限より小さくなっています。"


def _facility(cell: _Cells) -> dict:
    agency = cell.org("organisation")
    pref = cell.one_of("prefecture", cell.lookups.prefs, PREF_MESSAGE)
    return dict(
        owner_agency_id=agency.id if agency else None,
        name=cell.text("name"),
        prefecture_id=pref.id if pref else None,
        kind=cell.one_of("kind", _choices(FACILITY_KINDS), "種類「{}」は選べません。")
        or "equipment",
        field_ids=cell.many("fields", cell.lookups.fields, FIELD_MESSAGE),
        conditions=cell.text("conditions", ""),
        fees=cell.text("fees", ""),
        contact=cell.text("contact", ""),
        url=cell.url("url"),
        description=cell.text("description", ""),
        _block_id=pref.block_id if pref else None,
    )


def _theme(cell: _Cells) -> dict:
    agency = cell.org("organisation")
    participants = cell.participants("participants")
    lookups = cell.lookups
    # A theme without a block belongs to its lead agency's block.
    block_id = cell.one_of("block", lookups.blocks, BLOCK_MESSAGE)
    if block_id is None and agency is not None and agency.prefecture_id is not None:
        block_id = lookups.pref_block.get(agency.prefecture_id)
    return dict(
        programme=cell.text("programme"),
        measure_id=lookups.measures.get(cell.text("programme") or ""),
        fiscal_year=cell.fiscal_year("fiscal_year"),
        title=cell.text("title"),
        lead_agency_id=agency.id if agency else None,
        participant_ids=participants,
        field_id=cell.one_of("field", lookups.fields, FIELD_MESSAGE),
        budget=cell.amount("budget"),
        summary=cell.text("summary", ""),
        _block_id=block_id,
    )


def _news(cell: _Cells) -> dict:
    activity = cell.text("activity")
    if activity and (not activity.isdigit() or len(activity) > 9):
        cell.errors["activity"] = "元の活動IDは数字です。"
    elif activity and db.session.get(Activity, int(activity)) is None:
        cell.errors["activity"] = f"活動ID {activity} の活動はありません。"
    return dict(
        news_on=cell.day("date"),
        title=cell.text("title"),
        kind=cell.one_of("kind", _choices(NEWS_KINDS), "種類「{}」は選べません。") or "other",
        field_id=cell.one_of("field", cell.lookups.fields, FIELD_MESSAGE),
        place=cell.text("place", ""),
        url=cell.url("url"),
        body=cell.text("body", ""),
        activity_id=int(activity) if activity and activity.isdigit() else None,
        _block_id=cell.one_of("block", cell.lookups.blocks, BLOCK_MESSAGE),
    )


_BUILDERS = {"measures": _measure, "facilities": _facility, "themes": _theme, "news": _news}


def _managing_block(agency, lookups: Lookups) -> int | None:
    if agency is None or agency.kind == "iaa" or agency.prefecture_id is None:
        return None
    return lookups.pref_block.get(agency.prefecture_id)


def natural_key(kind: str, values: dict):
    if kind == "measures":
        return (values["offering_agency_id"], values["name"], values["fiscal_year"])
    if kind == "facilities":
        return (values["owner_agency_id"], values["name"])
    if kind == "themes":
        return (
            values["programme"],
            values["fiscal_year"],
            values["title"],
            values["lead_agency_id"],
        )
    if values.get("activity_id"):
        return ("activity", values["activity_id"])
    return (values["news_on"], values["title"])
