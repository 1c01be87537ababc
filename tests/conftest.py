"""Shared fixtures: an app and a clean, migrated database per test, on SQLite or PostgreSQL.

COUNCIL_TEST_DATABASE_URL selects PostgreSQL; the default is SQLite. The schema is built once
per session by the real Alembic migrations. Each SQLite test then gets a copy of that
pristine file; on PostgreSQL every table is truncated (TRUNCATE does not fire the
insert-only triggers that guard the official records).
"""

import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from council import create_app
from council.extensions import db

PG_URL = os.environ.get("COUNCIL_TEST_DATABASE_URL")
CSRF_RAW = "test-csrf-raw-token"


def _base_config(tmp: Path, uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "PASSWORD_HASH_FAST": True,
    }


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def _schema(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schema")
    if PG_URL:
        engine = sa.create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        app = create_app(_base_config(tmp, PG_URL))
        _migrate(app)
        with app.app_context():
            tables = [t.name for t in db.metadata.sorted_tables]
            db.engine.dispose()
        return {"kind": "pg", "tables": tables}
    template = tmp / "template.db"
    app = create_app(_base_config(tmp, f"sqlite:///{template}"))
    _migrate(app)
    with app.app_context():
        db.engine.dispose()
    return {"kind": "sqlite", "template": template}


class CouncilClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form, unless csrf=False."""

    def open(self, *args, csrf: bool = True, **kwargs):
        method = kwargs.get("method", "GET").upper()
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE"):
            with self.session_transaction() as sess:
                sess.setdefault("csrf_token", CSRF_RAW)
                raw = sess["csrf_token"]
            token = URLSafeTimedSerializer(
                self.application.config["SECRET_KEY"], salt="wtf-csrf-token"
            ).dumps(raw)
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


@pytest.fixture
def app(_schema, tmp_path):
    if _schema["kind"] == "pg":
        uri = PG_URL
    else:
        path = tmp_path / "test.db"
        shutil.copy(_schema["template"], path)
        uri = f"sqlite:///{path}"
    app = create_app(_base_config(tmp_path, uri))
    app.test_client_class = CouncilClient
    if _schema["kind"] == "pg":
        with app.app_context():
            names = ", ".join(f'"{t}"' for t in _schema["tables"])
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seeded(app):
    """The reference data of `flask seed`: blocks, ministries, categories, directory, measures."""
    from council.seed import seed_all

    seed_all()
    db.session.commit()
    return app


@pytest.fixture
def count_queries(app):
    """Counts the SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = {"n": 0}

        def _on_execute(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
                counter["n"] += 1

        sa.event.listen(db.engine, "before_cursor_execute", _on_execute)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", _on_execute)

    return counting
