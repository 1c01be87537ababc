"""`flask backup PATH`: a backup counts only once it has been restored and seen working."""

import shutil
import subprocess
import uuid

import pytest
import sqlalchemy as sa

from council import create_app
from council.extensions import db
from tests.conftest import PG_URL, CouncilClient, _base_config
from tests.factories import DEFAULT_PASSWORD

TITLE = "平成19年度 第2回関東地域ブロック協議会"


def _sqlite_app(_schema, folder):
    """A SQLite app with the reference data, whichever database the suite runs on."""
    folder.mkdir()
    path = folder / "council.db"
    if _schema["kind"] == "sqlite":
        shutil.copy(_schema["seeded_template"], path)
        app = create_app(_base_config(folder, f"sqlite:///{path}"))
    else:
        from flask_migrate import upgrade

        from council.seed import seed_all

        app = create_app(_base_config(folder, f"sqlite:///{path}"))
        with app.app_context():
            upgrade()
            seed_all()
            db.session.commit()
    return app


def _record(app) -> tuple[int, str]:
    """A kanto secretariat and one of its meetings; returns (activity id, e-mail)."""
    from council.accounts.services import create_user
    from council.activities.models import Activity, Category
    from council.activities.services import create_activity
    from council.directory.models import Block
    from council.fiscal import JST

    with app.app_context():
        kanto = db.session.scalar(sa.select(Block).where(Block.code == "kanto"))
        council = db.session.scalar(sa.select(Category).where(Category.code == "council"))
        create_user(
            email="kanto@example.test",
            name="関東 事務局",
            role="secretariat",
            password=DEFAULT_PASSWORD,
            block_id=kanto.id,
        )
        from datetime import datetime

        activity = create_activity(
            actor=None,
            block_id=kanto.id,
            category_id=council.id,
            kind="council",
            title=TITLE,
            starts_at=datetime(2007, 11, 28, 14, 0, tzinfo=JST),
            venue="さいたま新都心合同庁舎1号館",
        )
        db.session.commit()
        assert db.session.get(Activity, activity.id) is not None
        return activity.id, "kanto@example.test"


def _seen_working(app, activity_id: int, email: str) -> None:
    app.test_client_class = CouncilClient
    client = app.test_client()
    login = client.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
    assert login.status_code == 302
    page = client.get(f"/activities/{activity_id}")
    assert page.status_code == 200
    assert TITLE in page.get_data(as_text=True)
    export = client.get("/activities/export.csv")
    assert TITLE in export.get_data().decode("utf-8-sig")


def test_a_sqlite_backup_restores_into_a_working_app(_schema, tmp_path):
    app = _sqlite_app(_schema, tmp_path / "live")
    activity_id, email = _record(app)
    uploads = tmp_path / "live" / "uploads"
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "3f9c.pdf").write_bytes(b"%PDF-1.4 agenda")
    target = tmp_path / "backups" / "council-2007-11-28.db"
    target.parent.mkdir()

    with app.app_context():
        # The live database stays open, as under a running server.
        db.session.execute(sa.text("SELECT 1"))
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        db.session.remove()
        db.engine.dispose()

    assert result.exit_code == 0, result.output
    assert "database:" in result.output and "(1 files)" in result.output
    restored_uploads = tmp_path / "backups" / "council-2007-11-28.db.uploads"
    assert (restored_uploads / "ab" / "3f9c.pdf").read_bytes() == b"%PDF-1.4 agenda"
    assert not list(target.parent.glob("*.partial"))
    # The copy stands alone: no -wal file is needed to open it.
    assert not target.with_name(target.name + "-wal").exists()

    restored = create_app(
        {
            **_base_config(tmp_path / "restored", f"sqlite:///{target}"),
            "UPLOAD_FOLDER": str(restored_uploads),
        }
    )
    _seen_working(restored, activity_id, email)
    with restored.app_context():
        db.engine.dispose()


def test_backup_refuses_to_overwrite_and_leaves_the_old_backup_alone(_schema, tmp_path):
    app = _sqlite_app(_schema, tmp_path / "live")
    target = tmp_path / "council.db.bak"
    target.write_bytes(b"an older backup")

    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        missing = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "no" / "x.db")])
        db.engine.dispose()

    assert result.exit_code != 0 and "already exists" in result.stderr
    assert target.read_bytes() == b"an older backup"
    assert missing.exit_code != 0 and "does not exist" in missing.stderr


@pytest.mark.skipif(not PG_URL, reason="runs in the PostgreSQL pass of the suite")
def test_a_postgres_backup_restores_into_a_working_app(app, seeded, tmp_path):
    activity_id, email = _record(app)
    target = tmp_path / "council.dump"

    result = app.test_cli_runner().invoke(args=["backup", str(target)])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "council.dump.uploads").is_dir()
    url = sa.engine.make_url(PG_URL)
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        dsn = url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
        subprocess.run(
            ["pg_restore", "--no-owner", "--dbname", dsn, str(target)],
            check=True,
            capture_output=True,
        )
        restored = create_app(
            _base_config(tmp_path / "restored", str(url.set(database=name).render_as_string(False)))
        )
        _seen_working(restored, activity_id, email)
        with restored.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
