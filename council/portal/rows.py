"""One record of a portal register as text cells (a CSV row or a form), cleaned and checked.

The import and the edit forms share this: the same columns, the same rules, the same Japanese
messages. clean() returns the values to store and a message per bad column.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from council.activities.models import Activity
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
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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
    values: dict = {}
    raw = {}
    for column, label, required in COLUMNS[kind]:
        text = cells.get(column)
        text = "" if text is None else str(text)
        multiline = column in MULTILINE
        limit = TEXT_LIMIT if multiline else LIMITS.get(column, 200)
        if (_CONTROL_TEXT if multiline else _CONTROL_LINE).search(text):
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

    def org(column):
        name = raw.get(column)
        if not name:
            return None
        agency = lookups.agencies.get(name) or lookups.agencies.get(nfkc(name))
        if agency is None:
            errors[column] = (
                f"「{name}」という機関は登録されていません。先に機関の名簿に登録してください。"
            )
        return agency

    def one_of(column, table, message):
        text = raw.get(column)
        if not text:
            return None
        found = table.get(text, table.get(nfkc(text)))
        if found is None:
            errors[column] = message.format(text)
        return found

    def many(column, table, message):
        out = []
        for part in _SPLIT.split(raw.get(column) or ""):
            part = part.strip()
            if not part:
                continue
            found = table.get(part, table.get(nfkc(part)))
            if found is None:
                errors[column] = message.format(part)
            elif found not in out:
                out.append(found)
        return out

    def fy(column):
        text = raw.get(column)
        if not text:
            return None
        year = parse_fiscal_year(text)
        if year is None:
            errors[column] = f"年度「{text}」を読み取れません(例: 2007 または 平成19年度)。"
        return year

    def day(column):
        text = raw.get(column)
        if not text:
            return None
        value = parse_date(text)
        if value is None:
            errors[column] = f"日付「{text}」を読み取れません(例: 2007/11/28、平成19年11月28日)。"
        return value

    def amount(column):
        text = raw.get(column)
        if not text:
            return None
        try:
            return parse_amount(text)
        except ValueError:
            errors[column] = "金額は0以上の整数(千円単位)で入力してください。"
            return None

    def url(column):
        text = raw.get(column) or ""
        if text and not re.match(r"^https?://[^\s<>\"]+$", text):
            errors[column] = "URLは http:// または https:// で始まる形で入力してください。"
        return text

    status = one_of(
        "status", _choices(RECORD_STATUSES), "公開状態「{}」は選べません(下書き・公開・取下げ)。"
    )
    values["status"] = status or "published"
    pref_msg = "都道府県「{}」はありません(例: 13 または 東京都)。"
    field_msg = "研究分野「{}」はありません(例: life または ライフサイエンス)。"
    block_msg = "ブロック「{}」はありません(例: kyushu または 九州)。"
    if kind == "measures":
        agency = org("organisation")
        values.update(
            offering_agency_id=agency.id if agency else None,
            name=raw.get("name"),
            fiscal_year=fy("fiscal_year"),
            ministry_id=one_of("ministry", lookups.ministries, "府省「{}」はありません。"),
            measure_id=one_of(
                "measure", lookups.measures, "施策「{}」は施策一覧(表-1)にありません。"
            ),
            target=one_of("target", _choices(MEASURE_TARGETS), "対象「{}」は選べません。")
            or "company",
            field_ids=many("fields", lookups.fields, field_msg),
            block_ids=many("blocks", lookups.blocks, block_msg),
            prefecture_ids=[p.id for p in many("prefectures", lookups.prefs, pref_msg)],
            amount_min=amount("amount_min"),
            amount_max=amount("amount_max"),
            opens_on=day("opens_on"),
            closes_on=day("closes_on"),
            url=url("url"),
            contact=raw.get("contact", ""),
            description=raw.get("description", ""),
        )
        if values["ministry_id"] is None and agency is not None:
            values["ministry_id"] = agency.ministry_id
        if values["opens_on"] and values["closes_on"] and values["closes_on"] < values["opens_on"]:
            errors["closes_on"] = "締切が公募開始より前になっています。"
        if (
            values["amount_min"] is not None
            and values["amount_max"] is not None
            and values["amount_max"] < values["amount_min"]
        ):
            errors["amount_max"] = "金額の上限が下限より小さくなっています。"
        values["_block_id"] = _managing_block(agency, lookups)
    elif kind == "facilities":
        agency = org("organisation")
        pref = one_of("prefecture", lookups.prefs, pref_msg)
        values.update(
            owner_agency_id=agency.id if agency else None,
            name=raw.get("name"),
            prefecture_id=pref.id if pref else None,
            kind=one_of("kind", _choices(FACILITY_KINDS), "種類「{}」は選べません。")
            or "equipment",
            field_ids=many("fields", lookups.fields, field_msg),
            conditions=raw.get("conditions", ""),
            fees=raw.get("fees", ""),
            contact=raw.get("contact", ""),
            url=url("url"),
            description=raw.get("description", ""),
        )
        values["_block_id"] = pref.block_id if pref else None
    elif kind == "themes":
        agency = org("organisation")
        participants = []
        for part in _SPLIT.split(raw.get("participants") or ""):
            part = part.strip()
            if part:
                found = lookups.agencies.get(part)
                if found is None:
                    errors["participants"] = f"「{part}」という機関は登録されていません。"
                elif found.id not in participants:
                    participants.append(found.id)
        block_id = one_of("block", lookups.blocks, block_msg)
        if block_id is None and agency is not None and agency.prefecture_id is not None:
            block_id = lookups.pref_block.get(agency.prefecture_id)
        values.update(
            programme=raw.get("programme"),
            measure_id=lookups.measures.get(raw.get("programme") or ""),
            fiscal_year=fy("fiscal_year"),
            title=raw.get("title"),
            lead_agency_id=agency.id if agency else None,
            participant_ids=participants,
            field_id=one_of("field", lookups.fields, field_msg),
            budget=amount("budget"),
            summary=raw.get("summary", ""),
            _block_id=block_id,
        )
    elif kind == "news":
        activity = raw.get("activity")
        if activity and (not activity.isdigit() or len(activity) > 9):
            errors["activity"] = "元の活動IDは数字です。"
        elif activity and db.session.get(Activity, int(activity)) is None:
            errors["activity"] = f"活動ID {activity} の活動はありません。"
        values.update(
            news_on=day("date"),
            title=raw.get("title"),
            kind=one_of("kind", _choices(NEWS_KINDS), "種類「{}」は選べません。") or "other",
            field_id=one_of("field", lookups.fields, field_msg),
            place=raw.get("place", ""),
            url=url("url"),
            body=raw.get("body", ""),
            activity_id=int(activity) if activity and activity.isdigit() else None,
            _block_id=one_of("block", lookups.blocks, block_msg),
        )
    return Cleaned(values, errors)


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
