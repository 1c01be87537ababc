"""Writing notices: into the outbox and onto the screen, in the caller's transaction (the
sender's: it expands the changes' events and runs the day's notices, council/notices/fanout.py).

Services flush (or execute), never commit. Rows are inserted with ON CONFLICT DO NOTHING on
the notice's key (kind, object, recipient, object version), so notifying the same change twice
is harmless, and a rolled-back change takes its notices with it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from council.accounts.models import User
from council.database import dialect_insert
from council.directory.models import Contact
from council.errors import DomainError
from council.extensions import db, utc_now
from council.notices import mails
from council.notices.kinds import DIGEST, IMMEDIATE, KINDS, OFF, allowed_modes
from council.notices.models import Notice, NoticeContent, NoticePreference, OutboxMessage

SUPPRESS_KEY = "notices_suppressed"
UNSUBSCRIBE_SALT = "notices-unsubscribe"


class NoticeError(DomainError):
    """A refused settings change; the message is shown to the user."""


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    user_id: int | None = None  # None: a directory contact without an account
    mode: str | None = None  # the stored choice for the kind at hand, when already read


def suppress(session, on: bool = True) -> None:
    """Bulk loaders (the demo data set) write history, not news: no notices for them."""
    session.info[SUPPRESS_KEY] = on


def is_suppressed(session) -> bool:
    """Also true with NOTICES_ENABLED = False (a bulk data migration; the benchmark's baseline)."""
    return bool(session.info.get(SUPPRESS_KEY)) or not current_app.config.get(
        "NOTICES_ENABLED", True
    )


# --- recipients -----------------------------------------------------------------------------


def _dedupe(recipients: Iterable[Recipient], exclude_user_id: int | None) -> list[Recipient]:
    seen: dict[str, Recipient] = {}
    for r in recipients:
        if not r.email or (exclude_user_id is not None and r.user_id == exclude_user_id):
            continue
        seen.setdefault(r.email.lower(), r)
    return list(seen.values())


def secretariat_users(block_id: int | None) -> list[User]:
    """The block's secretariat; for a headquarters matter (no block), headquarters staff."""
    clause = (
        User.role == "hq"
        if block_id is None
        else sa.and_(User.role == "secretariat", User.block_id == block_id)
    )
    return list(
        db.session.scalars(sa.select(User).where(clause, User.is_active_user).order_by(User.id))
    )


def hq_users() -> list[User]:
    return secretariat_users(None)


def as_recipients(users: Iterable[User]) -> list[Recipient]:
    return [Recipient(u.email, u.name, u.id) for u in users]


def agency_recipients(
    kind: str, agencies, *, with_contacts: bool = True, user_filter=None
) -> list[Recipient]:
    """The member accounts of `agencies` (ids, or a SELECT of ids) and, unless told not to,
    their directory contacts without an account, each with its stored choice for `kind`:
    two statements whatever the number of people."""
    if isinstance(agencies, list | set | tuple):
        if not agencies:
            return []
        agencies = list(agencies)
    # Plain columns unless a filter needs the User object: no ORM objects to build, and no
    # unread count (User.unread_notice_count) computed for each of them.
    entity = (User,) if user_filter is not None else (User.id, User.email, User.name)
    user_rows = db.session.execute(
        sa.select(*entity, NoticePreference.mode)
        .outerjoin(
            NoticePreference,
            sa.and_(NoticePreference.user_id == User.id, NoticePreference.kind == kind),
        )
        .where(User.agency_id.in_(agencies), User.role == "member", User.is_active_user)
        .order_by(User.id)
    ).all()
    if user_filter is not None:
        user_rows = [(u.id, u.email, u.name, mode) for u, mode in user_rows if user_filter(u)]
    people = [
        Recipient(email, name, user_id, mode or IMMEDIATE)
        for user_id, email, name, mode in user_rows
    ]
    if with_contacts:
        address = sa.func.lower(Contact.email)
        rows = db.session.execute(
            sa.select(Contact.email, Contact.name, NoticePreference.mode)
            .outerjoin(
                NoticePreference,
                sa.and_(NoticePreference.email == address, NoticePreference.kind == kind),
            )
            .where(
                Contact.agency_id.in_(agencies),
                Contact.email != "",
                address.not_in(sa.select(User.email)),
            )
            .order_by(Contact.id)
        )
        people += [
            Recipient(email.strip().lower(), name, None, OFF if mode == OFF else IMMEDIATE)
            for email, name, mode in rows
        ]
    return people


# --- preferences ----------------------------------------------------------------------------


def modes_for(kind: str, recipients: list[Recipient]) -> dict[str, str]:
    """email -> immediate/digest/off for this kind (a contact has no digest)."""
    known = {r.email: r.mode for r in recipients if r.mode is not None}
    recipients = [r for r in recipients if r.mode is None]
    user_ids = [r.user_id for r in recipients if r.user_id is not None]
    emails = [r.email for r in recipients if r.user_id is None]
    stored_users: dict[int, str] = {}
    stored_emails: dict[str, str] = {}
    if user_ids or emails:
        rows = db.session.execute(
            sa.select(
                NoticePreference.user_id, NoticePreference.email, NoticePreference.mode
            ).where(
                NoticePreference.kind == kind,
                sa.or_(
                    NoticePreference.user_id.in_(user_ids or [-1]),
                    NoticePreference.email.in_(emails or [""]),
                ),
            )
        )
        for user_id, email, mode in rows:
            if user_id is not None:
                stored_users[user_id] = mode
            elif email:
                stored_emails[email] = mode
    allowed = allowed_modes(kind)
    out = {email: mode if mode in allowed else IMMEDIATE for email, mode in known.items()}
    for r in recipients:
        if r.user_id is not None:
            mode = stored_users.get(r.user_id, IMMEDIATE)
        else:
            mode = OFF if stored_emails.get(r.email) == OFF else IMMEDIATE
        out[r.email] = mode if mode in allowed else IMMEDIATE
    return out


def user_modes(user) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(NoticePreference.kind, NoticePreference.mode).where(
            NoticePreference.user_id == user.id
        )
    )
    stored = dict(rows.all())
    return {code: stored.get(code, IMMEDIATE) for code in KINDS}


def set_mode(*, kind: str, mode: str, user=None, email: str | None = None) -> None:
    """Store a choice; 照会 and its reminders cannot be switched off (NoticeError, on the
    settings form's field of that kind)."""
    if kind not in KINDS:
        raise NoticeError("お知らせの種類が正しくありません。")
    if mode not in allowed_modes(kind) or (user is None and mode == DIGEST):
        if mode == OFF:
            raise NoticeError(
                f"「{KINDS[kind].label}」は機関あての照会のため、停止できません。", field=kind
            )
        raise NoticeError("受け取り方が正しくありません。", field=kind)
    where = (
        NoticePreference.user_id == user.id if user is not None else NoticePreference.email == email
    )
    row = db.session.scalar(sa.select(NoticePreference).where(where, NoticePreference.kind == kind))
    if row is None:
        row = NoticePreference(
            user_id=getattr(user, "id", None), email=None if user else email, kind=kind
        )
        db.session.add(row)
    row.mode = mode
    db.session.flush()


def set_modes(user, chosen: dict[str, str]) -> None:
    """Store the user's choices (kind code -> mode) that differ from the stored ones."""
    current = user_modes(user)
    for code, mode in chosen.items():
        if mode != current[code]:
            set_mode(kind=code, mode=mode, user=user)


# --- unsubscribe tokens ---------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(recipient: Recipient, kind: str) -> str:
    subject = {"u": recipient.user_id} if recipient.user_id is not None else {"e": recipient.email}
    return _serializer().dumps({**subject, "k": kind})


def read_unsubscribe_token(token: str) -> dict | None:
    """{"u": user id} or {"e": address}, with "k": the kind; None when forged or unknown."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        return None
    if not isinstance(data.get("u"), int) and not isinstance(data.get("e"), str):
        return None
    return data


def unsubscribe(data: dict) -> None:
    kind = data["k"]
    if "u" in data:
        user = db.session.get(User, data["u"])
        if user is None:
            return
        set_mode(kind=kind, mode=OFF, user=user)
    else:
        set_mode(kind=kind, mode=OFF, email=data["e"])


# --- enqueue --------------------------------------------------------------------------------


def _insert_ignore(table, rows: list[dict]) -> int:
    if not rows:
        return 0
    # RETURNING counts the rows really written: a driver's rowcount of a multi-row insert
    # is not reliable (psycopg reports -1).
    statement = dialect_insert(table).on_conflict_do_nothing().returning(table.c.id)
    return len(db.session.execute(statement, rows).all())


def _already(table, kind, object_type, object_id, version, column) -> set:
    return set(
        db.session.scalars(
            sa.select(column).where(
                table.c.kind == kind,
                table.c.object_type == object_type,
                table.c.object_id == object_id,
                table.c.object_version == version,
            )
        )
    )


def _content_row(text: mails.MailContent, kind: str, ics, now: datetime) -> int:
    rendered = mails.render_once(text, with_unsubscribe=not KINDS[kind].is_mandatory)
    table = NoticeContent.__table__
    result = db.session.execute(
        sa.insert(table).values(
            kind=kind,
            subject=text.subject[:255],
            body_text=rendered.text,
            body_html=rendered.html,
            ics=ics() if ics is not None else None,
            link_url=text.link_url[:500],
            created_at=now,
        )
    )
    return result.inserted_primary_key[0]


def enqueue(
    kind: str,
    obj: tuple[str, int, str],
    recipients: Iterable[Recipient],
    content: Callable[[Recipient], mails.MailContent],
    *,
    ics: Callable[[], str] | None = None,
    exclude_user_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Write one notice per recipient: on screen for users, and a mail unless switched off
    (held for the daily digest when the user chose one). The mail's text is rendered once
    and shared (NoticeContent); the sender fills in each recipient. Returns the mails
    written."""
    if is_suppressed(db.session):
        return 0
    people = _dedupe(recipients, exclude_user_id)
    if not KINDS[kind].reaches_contacts:
        people = [r for r in people if r.user_id is not None]
    if not people:
        return 0
    now = now or utc_now()
    key = {"kind": kind, "object_type": obj[0], "object_id": obj[1], "object_version": obj[2]}
    outbox, notices = OutboxMessage.__table__, Notice.__table__
    mailed = _already(outbox, kind, *obj, outbox.c.recipient)
    shown = _already(notices, kind, *obj, notices.c.user_id)
    modes = modes_for(kind, people)
    screen_rows, mail_rows = [], []
    contents: dict[int, int] = {}  # id(MailContent) -> notice_contents.id
    domain = mails.message_id_domain()
    for person in people:
        wants_screen = person.user_id is not None and person.user_id not in shown
        wants_mail = person.email not in mailed and modes[person.email] != OFF
        if not (wants_screen or wants_mail):
            continue
        text = content(person)
        if wants_screen:
            screen_rows.append(_screen_row(key, person, text, now))
        if wants_mail:
            if id(text) not in contents:
                contents[id(text)] = _content_row(text, kind, ics, now)
            held = modes[person.email] == DIGEST
            mail_rows.append(_mail_row(key, person, contents[id(text)], held, domain, now))
    _insert_ignore(notices, screen_rows)
    return _insert_ignore(outbox, mail_rows)


def _screen_row(key: dict, person: Recipient, text: mails.MailContent, now: datetime) -> dict:
    return {
        **key,
        "user_id": person.user_id,
        "title": text.subject[:255],
        "url": text.link_url[:500],
        "created_at": now,
    }


def _mail_row(
    key: dict, person: Recipient, content_id: int, held: bool, domain: str, now: datetime
) -> dict:
    """An outbox row: due now, or held for the recipient's daily digest."""
    return {
        **key,
        "recipient": person.email,
        "recipient_name": person.name[:120],
        "user_id": person.user_id,
        "content_id": content_id,
        "message_id": mails.new_message_id(domain),
        "status": "held" if held else "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
    }


def unsubscribe_url_for(row) -> str | None:
    """The signed one-click link of a mail, or None for a 照会 (and for digests, which
    gather several kinds: they link to the settings)."""
    kind = KINDS.get(row.kind)
    if kind is None or kind.is_mandatory:
        return None
    token = unsubscribe_token(Recipient(row.recipient, row.recipient_name, row.user_id), row.kind)
    return f"{mails.base_url()}/notices/unsubscribe/{token}"


# --- on screen ------------------------------------------------------------------------------


def mark_read(user, notice_id: int | None = None, *, now: datetime | None = None) -> int:
    """Mark one of the user's notices read (or all of them with notice_id None)."""
    table = Notice.__table__
    statement = (
        sa.update(table)
        .where(table.c.user_id == user.id, table.c.read_at.is_(None))
        .values(read_at=now or utc_now())
    )
    if notice_id is not None:
        statement = statement.where(table.c.id == notice_id)
    return db.session.execute(statement).rowcount
