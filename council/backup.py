"""`flask backup PATH`: a consistent copy of the database and, beside it, the upload folder.

SQLite goes through the online backup API, never `cp` of a live file. PostgreSQL goes
through `pg_dump -Fc`. The database is copied first and the uploads second. Stored files are
never overwritten or removed (attachments are deleted softly), so every file that a row of
the copied database names is already in the upload folder when that folder is copied. Each
part is written under a temporary name, synced, then renamed, so a crash never leaves
something that looks like a finished backup.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from council.activities.attachments import TEMP_PREFIX, fsync_dir, remove_stale_temporaries


class BackupError(Exception):
    """The backup could not be made; nothing was left at the target path."""


@dataclass
class BackupResult:
    database: Path
    database_bytes: int
    uploads: Path
    upload_files: int


def uploads_path(path: Path) -> Path:
    return path.with_name(path.name + ".uploads")


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _backup_sqlite(url: URL, target: Path) -> None:
    source_path = url.database
    if not source_path or source_path == ":memory:" or not Path(source_path).exists():
        raise BackupError(f"SQLite database file not found: {source_path!r}")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # A self-contained file: no -wal or -shm companion needed to open the copy.
        copy.execute("PRAGMA journal_mode=DELETE")
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"the copy failed its integrity check: {result}")
    finally:
        copy.close()
        source.close()


def _backup_postgres(url: URL, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    pg_restore = shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        raise BackupError(
            "pg_dump and pg_restore are needed (Debian: apt-get install postgresql-client)"
        )
    env = dict(os.environ)
    if url.password:
        # Through the environment, not the command line, where `ps` would show it.
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run(
        [pg_dump, "--format=custom", "--file", str(target), "--dbname", dsn],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    listed = subprocess.run(
        [pg_restore, "--list", str(target)], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        raise BackupError(f"the dump cannot be read back: {listed.stderr.strip()}")


def make_backup(url: URL, upload_folder: str | Path, path: str | Path) -> BackupResult:
    """Write the database to `path` and the upload folder to `path`.uploads/."""
    path = Path(path).absolute()
    uploads = uploads_path(path)
    if path.exists() or uploads.exists():
        raise BackupError(f"{path} or {uploads} already exists; choose a new name")
    if not path.parent.is_dir():
        raise BackupError(f"folder {path.parent} does not exist")
    partial = path.with_name(path.name + ".partial")
    partial_uploads = path.with_name(path.name + ".uploads.partial")
    for leftover in (partial, partial_uploads):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        elif leftover.exists():
            leftover.unlink()
    try:
        backend = url.get_backend_name()
        if backend == "sqlite":
            _backup_sqlite(url, partial)
        elif backend == "postgresql":
            _backup_postgres(url, partial)
        else:
            raise BackupError(f"no backup method for {backend}")
        _fsync_file(partial)
        source = Path(upload_folder)
        if source.is_dir():
            remove_stale_temporaries(source)
            # An upload in flight is not a stored file yet: its row is not in the copy either.
            shutil.copytree(
                source, partial_uploads, ignore=shutil.ignore_patterns(f"{TEMP_PREFIX}*")
            )
        else:
            partial_uploads.mkdir()
        files = [p for p in partial_uploads.rglob("*") if p.is_file()]
        for file in files:
            _fsync_file(file)
        os.replace(partial, path)
        os.replace(partial_uploads, uploads)
        fsync_dir(path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        shutil.rmtree(partial_uploads, ignore_errors=True)
        raise
    return BackupResult(
        database=path,
        database_bytes=path.stat().st_size,
        uploads=uploads,
        upload_files=len(files),
    )
