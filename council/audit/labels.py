"""Readable Japanese for the audit log: object types, field names and stored values."""

import re
from datetime import date, datetime

import sqlalchemy as sa
from flask import g, has_app_context

from council import fiscal
from council.accounts.models import ROLES
from council.activities.models import Category
from council.activities.models.activity import KINDS, STATUSES, VISIBILITIES
from council.analysis.funding.models import KINDS as FUNDING_KINDS
from council.directory.models import AGENCY_KINDS, Agency, Block, Ministry
from council.extensions import db
from council.minutes.models import MINUTES_STATUSES
from council.reference.models import Prefecture
from council.submissions.models import SUBMISSION_KINDS, SUBMISSION_STATES

OBJECT_TYPES = {
    "Agency": "構成機関",
    "Contact": "担当者",
    "Membership": "ブロックへの参加",
    "User": "ユーザー",
    "Activity": "活動",
    "Attendance": "出欠",
    "Attachment": "添付ファイル",
    "Minutes": "議事録",
    "ActionItem": "対応事項",
    "MinutesResponse": "議事録への意見",
    "Measure": "施策",
    "MeasureBudget": "施策の予算",
    "PublishedTotal": "公表総額",
    "SlotFigure": "他府省連携枠",
    "Submission": "本府省への提出",
    "SupportMeasure": "研究支援策",
    "Facility": "研究支援施設",
    "Theme": "採択研究テーマ",
    "News": "ニュース",
    "FundingRecord": "資金投入の記録",
    "NoticePreference": "通知の設定",
}

FIELDS = {
    "name": "名称",
    "kind": "種別",
    "ministry_id": "府省",
    "city": "所在地",
    "is_active": "有効",
    "is_active_user": "有効",
    "login_unlocked_at": "ログインのロック解除",
    "agency_id": "機関",
    "owner_agency_id": "担当機関",
    "block_id": "ブロック",
    "first_fy": "参加開始年度",
    "last_fy": "参加終了年度",
    "is_secretariat": "事務局",
    "title": "件名",
    "email": "メールアドレス",
    "phone": "電話番号",
    "role": "役割",
    "password_hash": "パスワード",
    "feed_token_hash": "カレンダー配信URL",
    "api_token": "APIトークン",
    "category_id": "区分",
    "starts_at": "開始",
    "ends_at": "終了",
    "is_all_day": "終日",
    "venue": "会場",
    "status": "状態",
    "state": "状態",
    "visibility": "公開範囲",
    "participants": "参加者数",
    "description": "内容",
    "status_reason": "状態変更の理由",
    "original_starts_at": "当初の開始",
    "is_new_date_pending": "新しい日程が未定",
    "deleted_at": "削除",
    "rsvp": "出欠の回答",
    "attended": "出席",
    "persons": "出席者",
    "original_name": "ファイル名",
    "size": "サイズ(バイト)",
    "attendees": "出席者",
    "agenda": "議題",
    "discussion": "議事概要",
    "decisions": "決定事項",
    "comment_deadline_on": "意見締切日",
    "due_on": "期限",
    "is_done": "完了",
    "note": "備考",
    "fiscal_year": "年度",
    "amount_million": "金額(百万円)",
    "ministries_count": "府省数",
    "measures_count": "施策数",
    "adopted": "新規採択",
    "continued": "継続",
    "regions": "地域数",
    "submitted_at": "提出日時",
    "returned_at": "差戻し日時",
    "return_reason": "差戻しの理由",
    "is_confirmed": "確認",
    "comment": "意見",
    "measure_id": "施策",
    "field_id": "研究分野",
    "prefecture_id": "都道府県",
    "amount_tenths": "金額(十万円単位)",
    "theme_id": "研究テーマID",
    "successor_id": "後継施策",
    "parent_id": "上位施策",
    "flags": "注記",
    "mode": "受け取り方",
    "activity_id": "元の活動",
    "news_on": "日付",
    "place": "場所",
    "url": "ウェブサイトのURL",
    "body": "本文",
    "is_national": "全国行事",
    "host_prefecture_id": "開催都道府県",
    "host_city": "開催市町村",
    "region_block_id": "関連ブロック",
    "conditions": "利用条件",
    "fees": "料金",
    "contact": "問い合わせ先",
    "offering_agency_id": "実施機関",
    "target": "対象",
    "amount_min": "金額(下限)",
    "amount_max": "金額(上限)",
    "opens_on": "公募開始日",
    "closes_on": "締切日",
    "programme": "事業名",
    "lead_agency_id": "代表機関",
    "budget": "予算",
    "summary": "概要",
}
# Where one name means something else on a particular object.
FIELDS_BY_TYPE = {
    ("User", "name"): "氏名",
    ("Contact", "name"): "氏名",
    ("Contact", "title"): "役職",
    ("ActionItem", "description"): "内容",
    ("MinutesResponse", "is_confirmed"): "内容を確認",
    ("MinutesResponse", "comment"): "意見",
    ("FundingRecord", "title"): "案件名",
    ("FundingRecord", "kind"): "区分",
}

CODES = {
    ("User", "role"): ROLES,
    ("Agency", "kind"): AGENCY_KINDS,
    ("Activity", "kind"): KINDS,
    ("Activity", "status"): STATUSES,
    ("Activity", "visibility"): VISIBILITIES,
    ("Minutes", "status"): MINUTES_STATUSES,
    ("Submission", "state"): SUBMISSION_STATES,
    ("Submission", "kind"): SUBMISSION_KINDS,
    ("Attendance", "rsvp"): {"yes": "出席", "no": "欠席", "maybe": "未定"},
    ("FundingRecord", "kind"): FUNDING_KINDS,
}
FY_FIELDS = {"first_fy", "last_fy", "fiscal_year"}
REFERENCES = {
    "block_id": Block,
    "agency_id": Agency,
    "owner_agency_id": Agency,
    "offering_agency_id": Agency,
    "lead_agency_id": Agency,
    "region_block_id": Block,
    "host_prefecture_id": Prefecture,
    "ministry_id": Ministry,
    "category_id": Category,
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
NONE = "(なし)"


def object_type_label(object_type: str) -> str:
    return OBJECT_TYPES.get(object_type, object_type)


def field_label(object_type: str, field: str) -> str:
    return FIELDS_BY_TYPE.get((object_type, field)) or FIELDS.get(field, field)


def _names(model) -> dict[int, str]:
    """id → name for a small reference table, loaded once per request."""
    cache = g.setdefault("_audit_names", {}) if has_app_context() else {}
    if model not in cache:
        cache[model] = dict(db.session.execute(sa.select(model.id, model.name)).all())
    return cache[model]


def value_label(object_type: str, field: str, value) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    codes = CODES.get((object_type, field))
    if codes is not None:
        return codes.get(value, str(value))
    if field in FY_FIELDS and isinstance(value, int):
        return fiscal.fiscal_year_label(value)
    if field in REFERENCES and isinstance(value, int):
        name = _names(REFERENCES[field]).get(value)
        return name if name is not None else f"(ID {value})"
    if isinstance(value, str) and (field.endswith("_at") or field.endswith("_on")):
        return _date_label(value)
    return str(value)


def _date_label(text: str) -> str:
    try:
        if _ISO_DATETIME.match(text):
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                return fiscal.format_datetime(moment)
        elif _ISO_DATE.match(text):
            return fiscal.format_date(date.fromisoformat(text))
    except ValueError:
        pass
    return text
