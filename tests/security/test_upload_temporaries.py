"""Issue 17, item 7: a temporary left by an upload cut short (kill -9 between the write and
the rename) is removed at start-up once it is older than an hour, and a backup never copies
one. A temporary younger than that may belong to an upload still in flight: it stays."""

import os
import time
import uuid
from pathlib import Path

from council import create_app
from council.backup import make_backup
from tests.conftest import _base_config


def _uploads(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "uploads" / "attachments"
    folder.mkdir(parents=True)
    stored = folder / uuid.uuid4().hex
    stored.write_bytes(b"%PDF-1.4 minutes")
    stale = folder / f".tmp-{uuid.uuid4().hex}"
    stale.write_bytes(b"%PDF-1.4 half")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    fresh = folder / f".tmp-{uuid.uuid4().hex}"
    fresh.write_bytes(b"%PDF-1.4 in flight")
    return {"stored": stored, "stale": stale, "fresh": fresh}


def test_start_up_removes_temporaries_older_than_an_hour(tmp_path):
    files = _uploads(tmp_path)
    create_app(_base_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}"))
    assert not files["stale"].exists()
    assert files["fresh"].exists()
    assert files["stored"].read_bytes() == b"%PDF-1.4 minutes"


def test_start_up_without_an_upload_folder_is_fine(tmp_path):
    create_app(_base_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}"))
    assert not (tmp_path / "uploads" / "attachments").exists()


def test_backup_copies_no_temporary(app, tmp_path):
    files = _uploads(tmp_path / "live")
    target = tmp_path / "council-backup.db"
    from council.extensions import db

    db.session.execute(db.text("SELECT 1"))
    result = make_backup(db.engine.url, tmp_path / "live" / "uploads", target)
    copied = sorted(p.name for p in result.uploads.rglob("*") if p.is_file())
    assert copied == [files["stored"].name]
    assert result.upload_files == 1
    assert not files["stale"].exists()  # the backup tidied the live folder as well
    assert files["fresh"].exists()
