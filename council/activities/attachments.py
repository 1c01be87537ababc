"""Attachments (agendas, materials): checked, stored under generated names, soft-deleted.

A file is accepted only when its extension is on the allowlist AND its first bytes (or, for
Office Open XML, its zip directory) match that extension. It is written to a temporary file
in the upload folder, fsynced, then linked to its final, generated name (a link never
replaces an existing file) so that a crash leaves either the whole file or none. The name the
user gave is kept for display and for Content-Disposition only.
"""

import hashlib
import os
import re
import time
import unicodedata
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from council.activities.models import Activity, Attachment
from council.activities.services import ActivityError
from council.errors import DomainError
from council.extensions import db, utc_now

SUBFOLDER = "attachments"
CHUNK = 64 * 1024
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _starts_with(*prefixes: bytes):
    return lambda path, head: any(head.startswith(p) for p in prefixes)


def _ooxml(folder: str):
    """A .docx/.xlsx/.pptx is a zip holding [Content_Types].xml and its part folder."""

    def check(path: Path, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


# extension -> (content type sent on download, content check)
ALLOWED = {
    "pdf": ("application/pdf", _starts_with(b"%PDF-")),
    "doc": ("application/msword", _starts_with(OLE2)),
    "xls": ("application/vnd.ms-excel", _starts_with(OLE2)),
    "ppt": ("application/vnd.ms-powerpoint", _starts_with(OLE2)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ooxml("word/"),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ooxml("xl/")),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ooxml("ppt/"),
    ),
    "png": ("image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    "gif": ("image/gif", _starts_with(b"GIF87a", b"GIF89a")),
}
ALLOWED_LABEL = (
    "PDF、Word(doc・docx)、Excel(xls・xlsx)、PowerPoint(ppt・pptx)、画像(PNG・JPEG・GIF)"
)
ACCEPT_ATTR = ",".join(f".{ext}" for ext in ALLOWED)


class UploadRefused(DomainError):
    """The file was not stored; the message says why, in Japanese, next to the file input."""

    def __init__(self, message: str):
        super().__init__(message, field="file")


class UploadTooLarge(UploadRefused):
    """Over the size limit: answered 413, as when the server cuts the request off itself."""

    status = 413


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}MB"
    if size >= 1024:
        return f"{size / 1024:.0f}KB"
    return f"{size}バイト"


def max_label(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024:
        return f"{max_bytes // (1024 * 1024)}MB"
    return size_label(max_bytes)


def display_name(filename: str | None) -> str:
    """The user's file name, safe to show and to put in a header: no directories, no CR/LF or
    other control characters, at most 255 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 255 - len(ext) - 1] + dot + ext if dot and len(ext) <= 10 else name[:255]
    return name


def extension_of(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def folder_of(upload_folder: str) -> Path:
    return Path(upload_folder) / SUBFOLDER


def path_of(upload_folder: str, attachment: Attachment) -> Path:
    if not _STORED_NAME.match(attachment.stored_name):
        raise ValueError("unexpected stored name")
    return folder_of(upload_folder) / attachment.stored_name


def store_attachment(
    activity: Activity,
    stream,
    filename: str | None,
    *,
    actor,
    upload_folder: str,
    max_bytes: int | None = None,
) -> Attachment:
    """Check and store an uploaded file for `activity`; raises UploadRefused.

    The caller commits; if the commit fails it should call discard_file(), since the file
    is already in place."""
    name = display_name(filename)
    ext = _allowed_extension(name)
    content_type, matches = ALLOWED[ext]
    folder = folder_of(upload_folder)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = uuid.uuid4().hex
    temp = folder / f"{TEMP_PREFIX}{stored_name}"
    try:
        written = _write_temporary(stream, temp, max_bytes or DEFAULT_MAX_BYTES)
        _check_content(temp, written, ext, matches)
        # A hard link fails rather than replace an existing file: stored files are never
        # overwritten.
        os.link(temp, folder / stored_name)
        fsync_dir(folder)
    finally:
        temp.unlink(missing_ok=True)
    attachment = Attachment(
        activity_id=activity.id,
        original_name=name,
        stored_name=stored_name,
        content_type=content_type,
        size=written.size,
        sha256=written.sha256,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _allowed_extension(name: str) -> str:
    """The extension, refused before a byte is written when it is missing or not on the
    allowlist (the message names what may be attached)."""
    ext = extension_of(name)
    if not name or not ext:
        raise UploadRefused(f"ファイル名に拡張子がありません。添付できるのは{ALLOWED_LABEL}です。")
    if ext not in ALLOWED:
        raise UploadRefused(
            f"「.{ext}」のファイルは添付できません。添付できるのは{ALLOWED_LABEL}です。"
        )
    return ext


@dataclass(frozen=True)
class _Written:
    size: int
    head: bytes  # the first bytes, for the content check
    sha256: str


def _write_temporary(stream, temp: Path, max_bytes: int) -> _Written:
    """Copy the upload to a new temporary file in chunks, stopping as soon as it passes
    `max_bytes` (the client may send more than it announced), and fsync it so that the link
    made afterwards names a complete file."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(
                    f"ファイルが大きすぎます。添付できるのは1ファイル{max_label(max_bytes)}までです。"
                )
            if len(head) < 16:
                head += chunk[: 16 - len(head)]
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return _Written(size, head, digest.hexdigest())


def _check_content(temp: Path, written: _Written, ext: str, matches) -> None:
    """Refuse an empty file, and one whose first bytes (or zip directory) are not what its
    extension claims: a renamed executable is not a PDF."""
    if written.size == 0:
        raise UploadRefused("空のファイルは添付できません。")
    if not matches(temp, written.head):
        raise UploadRefused(
            f"ファイルの中身が拡張子「.{ext}」の形式と一致しません。"
            "ファイルが壊れていないか、拡張子が正しいか確認してください。"
        )


TEMP_PREFIX = ".tmp-"
# An upload writes its temporary for as long as the client takes to send the file; an hour
# is far beyond any upload that MAX_CONTENT_LENGTH allows.
STALE_TEMP_SECONDS = 3600


def remove_stale_temporaries(upload_folder: str | Path, *, older_than: float = STALE_TEMP_SECONDS):
    """Remove the temporaries of uploads cut short (a worker killed between the write and the
    rename) once they are older than `older_than` seconds. Returns how many were removed."""
    folder = folder_of(str(upload_folder))
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for path in folder.glob(f"{TEMP_PREFIX}*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker removed it first
            continue
    return removed


@contextmanager
def discarded_unless_committed(upload_folder: str):
    """Around a store and its commit: yields `stored(attachment)`, which notes a file put in
    place and returns it; if the block fails (the commit, say), the session is rolled back and
    the noted files are removed, so that no file is left without its row."""
    noted: list[Attachment] = []

    def stored(attachment: Attachment) -> Attachment:
        noted.append(attachment)
        return attachment

    try:
        yield stored
    except Exception:
        db.session.rollback()
        for attachment in noted:
            discard_file(upload_folder, attachment)
        raise


def discard_file(upload_folder: str, attachment: Attachment) -> None:
    """Remove a stored file whose database row was never committed."""
    path_of(upload_folder, attachment).unlink(missing_ok=True)


def delete_attachment(attachment: Attachment, *, actor) -> Attachment:
    """Soft delete: the row and the file stay (the audit log records who and when)."""
    if attachment.deleted_at is not None:
        raise ActivityError("この添付ファイルは既に削除されています。")
    attachment.deleted_at = utc_now()
    attachment.deleted_by_id = getattr(actor, "id", None)
    db.session.flush()
    return attachment


def fsync_dir(folder: Path) -> None:
    """Make a file's creation or rename in `folder` durable (the backup uses it too)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
