"""One audit mechanism for every model: a flush hook that writes old → new per field.

A model takes part by declaring `audit_fields` (and optionally `audit_secret_fields`, whose
values are never written, and `audit_block_ids()` / `audit_label()`). Who acted, and why, is
put on the session with `set_actor()`; the app does it for every request, the CLI per command.
"""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from council.audit.models import AuditEntry
from council.extensions import db, utc_now


def set_actor(session, actor, reason: str = "", ip: str = "") -> None:
    """Attribute the changes flushed from now on in this session to `actor`."""
    session.info["audit_actor"] = actor
    session.info["audit_reason"] = reason
    if ip:
        session.info["audit_ip"] = ip


def forget_request_actor(session) -> None:
    """A new request: the actor the session named for the last one no longer holds."""
    for key in ("audit_actor", "audit_reason", "audit_ip"):
        session.info.pop(key, None)


def _actor(session):
    """Who acts: as set_actor() named, or in a web request the signed-in user (None for an
    anonymous one), looked up at the request's first audited change and kept for the rest of
    it, so that a page that changes nothing pays nothing for it."""
    if "audit_actor" not in session.info and has_request_context():
        user = current_user._get_current_object()
        session.info["audit_actor"] = user if user.is_authenticated else None
        session.info.setdefault("audit_ip", request.remote_addr or "")
    return session.info.get("audit_actor")


def set_reason(session, reason: str) -> None:
    session.info["audit_reason"] = reason


def with_reason(form, action):
    """The action, run with the form's `reason` field attached to the audit entries it writes;
    for `save_form`, which reads the reason only once the form has validated."""

    def act():
        set_reason(db.session, form.reason.data or "")
        return action()

    return act


def _json(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _block_ids(obj) -> set[int]:
    if hasattr(obj, "audit_block_ids"):
        return {b for b in obj.audit_block_ids() if b is not None}
    block_id = getattr(obj, "block_id", None)
    return {block_id} if block_id is not None else set()


def _label(obj) -> str:
    if hasattr(obj, "audit_label"):
        return obj.audit_label()
    for attr in ("title", "name", "email", "programme", "original_name", "description"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)[:255]
    return ""


def _changes(obj, fields, secret, *, mode: str) -> dict:
    state = inspect(obj)
    out = {}
    for field in (*fields, *secret):
        attr = state.attrs[field]
        if mode == "create":
            old, new = None, attr.value
        elif mode == "delete":
            old, new = attr.value, None
        else:
            hist = attr.history
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old == new:
                continue
        if field in secret:
            if mode == "update" or new is not None:
                out[field] = ["***", "***(変更)"]
            continue
        if mode == "create" and new in (None, ""):
            continue
        out[field] = [_json(old), _json(new)]
    return out


def _entry(session, obj, action: str, changes: dict) -> dict:
    actor = _actor(session)
    actor_id = getattr(actor, "id", None) if actor is not None else None
    actor_label = getattr(actor, "email", None) or session.info.get("audit_actor_label", "system")
    return {
        "created_at": utc_now(),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": type(obj).__name__,
        "object_id": getattr(obj, "id", None),
        "object_label": _label(obj),
        "block_ids": "".join(f",{b}" for b in sorted(_block_ids(obj))) + ","
        if _block_ids(obj)
        else "",
        "fiscal_year": getattr(obj, "fiscal_year", None)
        if isinstance(getattr(obj, "fiscal_year", None), int)
        else None,
        "changes": changes,
        "reason": session.info.get("audit_reason", ""),
        "ip": session.info.get("audit_ip", ""),
    }


def _collect(session: Session) -> list[dict]:
    rows = []
    with session.no_autoflush:
        for obj in session.new:
            fields = getattr(obj, "audit_fields", None)
            if fields is None:
                continue
            secret = getattr(obj, "audit_secret_fields", ())
            rows.append(
                _entry(session, obj, "create", _changes(obj, fields, secret, mode="create"))
            )
        for obj in session.dirty:
            fields = getattr(obj, "audit_fields", None)
            if fields is None or not session.is_modified(obj, include_collections=False):
                continue
            secret = getattr(obj, "audit_secret_fields", ())
            changes = _changes(obj, fields, secret, mode="update")
            if not changes:
                continue
            if "deleted_at" in changes and changes["deleted_at"][1] is not None:
                action = "delete"
            elif "status" in changes or "state" in changes:
                action = "status"
            else:
                action = "update"
            rows.append(_entry(session, obj, action, changes))
        for obj in session.deleted:
            fields = getattr(obj, "audit_fields", None)
            if fields is None:
                continue
            rows.append(_entry(session, obj, "delete", _changes(obj, fields, (), mode="delete")))
    return rows


def record(session, obj, action: str, changes: dict) -> None:
    """Write an entry for a change the flush hook cannot see (a collection, a workflow step)."""
    # current_user and friends are proxies: log the object they stand for.
    obj = getattr(obj, "_get_current_object", lambda: obj)()
    session.execute(sa.insert(AuditEntry), [_entry(session, obj, action, changes)])


def install(session_class) -> None:
    @event.listens_for(session_class, "after_flush")
    def _after_flush(session, flush_context):
        rows = _collect(session)
        if rows:
            session.connection().execute(sa.insert(AuditEntry.__table__), rows)


def act_as_system(session) -> None:
    """A command run on the server by its operator: the log names "system (cli)"."""
    set_actor(session, None)
    session.info["audit_actor_label"] = "system (cli)"
