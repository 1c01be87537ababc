"""Uploaded CSV files kept between a dry run and its confirmation, on the server.

The dry run stores the bytes under a random token, in a folder per user; the confirmation
names the token, so the user does not choose the file again. A token belongs to the user who
uploaded the file and expires after an hour; it is removed once imported.
"""

import os
import re
import secrets
import time
from pathlib import Path

MAX_AGE_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _folder(root: str, user_id: int) -> Path:
    return Path(root) / "pending-imports" / str(int(user_id))


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def keep(root: str, user_id: int, data: bytes, filename: str) -> str:
    """Stores the upload; returns its token."""
    folder = _folder(root, user_id)
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    temporary = folder / f".{token}.tmp"
    temporary.write_bytes(data)
    (folder / f"{token}.name").write_text(filename, encoding="utf-8")
    os.replace(temporary, folder / f"{token}.csv")
    return token


def load(root: str, user_id: int, token: str) -> tuple[bytes, str] | None:
    """(bytes, original file name) of this user's pending upload, or None when unknown or
    expired."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    folder = _folder(root, user_id)
    path = folder / f"{token}.csv"
    try:
        if path.stat().st_mtime < time.time() - MAX_AGE_SECONDS:
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        name = (folder / f"{token}.name").read_text(encoding="utf-8")
    except FileNotFoundError:
        name = ""
    return data, name


def forget(root: str, user_id: int, token: str) -> None:
    if not _TOKEN.fullmatch(token or ""):
        return
    folder = _folder(root, user_id)
    for suffix in (".csv", ".name"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)
