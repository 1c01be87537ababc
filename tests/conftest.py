"""Shared fixtures: an app and a clean, migrated database per test, on SQLite or PostgreSQL.

COUNCIL_TEST_DATABASE_URL selects PostgreSQL; the default is SQLite. The schema is built once
per session by the real Alembic migrations. Each SQLite test then gets a copy of that
pristine file; on PostgreSQL every table is emptied before the test (see `_pg_empty`).

Under pytest-xdist (`pytest -n 2`) each worker has a database of its own on the same server,
named after the given one (`test` → `test_gw0`, `test_gw1`) and created when missing; PG_URL is
that worker's URL, so every test and fixture that reads it stays on its worker's database.
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
from tests import routing_cache

routing_cache.install()

# Factories (make_user, make_activity, login_as), the users of each role, signed in or not, and
# the demo data set loaded once per session.
pytest_plugins = ("tests.factories", "tests.roles", "tests.demo_data")


def _worker_url(url: str | None) -> str | None:
    """The database of this xdist worker: the given name with the worker id appended."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = sa.engine.make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(False)


GIVEN_PG_URL = os.environ.get("COUNCIL_TEST_DATABASE_URL")
PG_URL = _worker_url(GIVEN_PG_URL)
CSRF_RAW = "test-csrf-raw-token"


def _base_config(tmp: Path, uri: str) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "PASSWORD_HASH_FAST": True,
        # Durability is tested by the product config; the suite need not fsync every commit.
        "SQLITE_SYNCHRONOUS": "OFF",
    }
    if uri.startswith("postgresql"):
        # The same for PostgreSQL, per connection (the server's settings stay as they are).
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": "-c synchronous_commit=off"}
        }
    return config


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def _schema(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schema")
    return _pg_schema(tmp) if PG_URL else _sqlite_schema(tmp)


def _pg_schema(tmp: Path) -> dict:
    """Migrates the PostgreSQL database from nothing, and reads what each test needs back:
    the reference data and the statement that empties the tables."""
    if PG_URL != GIVEN_PG_URL:
        _pg_create_database(GIVEN_PG_URL, sa.engine.make_url(PG_URL).database)
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app(_base_config(tmp, PG_URL))
    _migrate(app)
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        seed = _pg_seed_copy(tables)
        empty_sql = _pg_empty_sql(tables)
        db.engine.dispose()
    return {"kind": "pg", "tables": tables, "seed": seed, "empty_sql": empty_sql}


def _pg_create_database(given_url: str, name: str) -> None:
    """Creates the worker's database, from a connection to the given one, unless it exists."""
    admin = sa.create_engine(given_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if not found:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def _sqlite_schema(tmp: Path) -> dict:
    """Two template files that each test copies: migrated, and migrated and seeded."""
    template = tmp / "template.db"
    app = create_app(_base_config(tmp, f"sqlite:///{template}"))
    _migrate(app)
    with app.app_context():
        db.engine.dispose()
    seeded_template = tmp / "seeded.db"
    shutil.copy(template, seeded_template)
    app = create_app(_base_config(tmp, f"sqlite:///{seeded_template}"))
    with app.app_context():
        from council.seed import seed_all

        seed_all()
        db.session.commit()
        with db.engine.begin() as conn:
            # The template's own audit rows are not part of any test's story.
            conn.exec_driver_sql("DROP TRIGGER audit_entries_no_delete")
            conn.exec_driver_sql("DELETE FROM audit_entries")
            conn.exec_driver_sql(
                "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'audit_entries is an insert-only record table'); END"
            )
        db.engine.dispose()
    return {"kind": "sqlite", "template": template, "seeded_template": seeded_template}


def _pg_seed_copy(tables: list[str]) -> dict:
    """The rows that `flask seed` writes, read back once per session in COPY's text format:
    each PostgreSQL test that needs the reference data gets them back with one COPY per table
    instead of re-running the seed (thousands of round trips) or sending the rows through
    SQLAlchemy again. Its audit rows, as on SQLite, are no test's story."""
    from council.seed import seed_all

    seed_all()
    db.session.commit()
    copies = pg_copy_out(skip=("audit_entries",))
    with db.engine.begin() as conn:
        names = ", ".join(f'"{t}"' for t in tables)
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return copies


def pg_copy_out(skip: tuple[str, ...] = ()) -> dict:
    """Every table's rows (but those in `skip`) in COPY's text format, and the statement that
    sets the sequences after the highest id copied, as if the rows had just been written."""
    copies = []
    with db.engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for table in db.metadata.sorted_tables:
            if table.name in skip:
                continue
            with cursor.copy(f'COPY "{table.name}" TO STDOUT') as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
            if data:
                copies.append((table, data))
        conn.rollback()
    setval = "".join(
        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), MAX(id)) "
        f'FROM "{table.name}";\n'
        for table, _data in copies
        if "id" in table.c and isinstance(table.c.id.type, sa.Integer)
    )
    # Plain names and bytes: the demo's rows are shared between xdist workers as a pickle.
    return {"copies": [(table.name, data) for table, data in copies], "setval_sql": setval}


# The sequences the last test drew from start again at 1, as TRUNCATE … RESTART IDENTITY would.
_PG_RESTART_SEQUENCES = """
DO $$
DECLARE s record;
BEGIN
  FOR s IN SELECT schemaname, sequencename FROM pg_sequences
           WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
    EXECUTE 'ALTER SEQUENCE ' || quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename)
      || ' RESTART';
  END LOOP;
END $$;
"""


def _pg_empty_sql(tables: list[str]) -> str:
    """The statement that empties every table, chosen once per session.

    TRUNCATE of the ~50 tables costs 1.5-2 s a test (it swaps the files of every table and
    index), most of the PostgreSQL pass. DELETE of the few rows a test wrote costs a few
    milliseconds; in the `replica` replication role it fires neither the foreign-key checks
    (so the order does not matter) nor the insert-only triggers that guard the official
    records. Setting that role needs a superuser (CI and this machine connect as
    `postgres`); any other role falls back to TRUNCATE."""
    with db.engine.connect() as conn:
        try:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        except sa.exc.DBAPIError:
            conn.rollback()
            names = ", ".join(f'"{t}"' for t in tables)
            return f"TRUNCATE {names} RESTART IDENTITY CASCADE"
        conn.rollback()
    deletes = "".join(f'DELETE FROM "{t}";\n' for t in tables)
    return f"SET LOCAL session_replication_role = replica;\n{deletes}{_PG_RESTART_SEQUENCES}"


def _pg_empty(schema: dict) -> None:
    """Empties every table of the test database: each PostgreSQL test starts from nothing."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql(schema["empty_sql"])


def pg_copy_in(seed: dict) -> None:
    """Writes back rows read by `pg_copy_out` into the emptied tables."""
    with db.engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for name, data in seed["copies"]:
            with cursor.copy(f'COPY "{name}" FROM STDIN') as copy:
                copy.write(data)
        conn.exec_driver_sql(seed["setval_sql"])


class CouncilClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form, unless csrf=False."""

    def open(self, *args, csrf: bool = True, **kwargs):
        # The fixture keeps one app context pushed for the whole test, so `g` outlives a
        # request; forget the previous request's user so that two clients stay two people.
        from flask import g, has_app_context

        if has_app_context():
            for key in ("_login_user", "user_session", "api_token"):
                g.pop(key, None)
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
def app(_schema, tmp_path, request):
    if _schema["kind"] == "pg":
        uri = PG_URL
    else:
        path = tmp_path / "test.db"
        if "demo_data" in request.fixturenames:
            # The demo data set of this session (tests/demo_data.py), seeded and loaded.
            source = request.getfixturevalue("demo_snapshot")["template"]
        else:
            wants_seed = "seeded" in request.fixturenames
            source = _schema["seeded_template" if wants_seed else "template"]
        shutil.copy(source, path)
        uri = f"sqlite:///{path}"
    app = create_app(_base_config(tmp_path, uri))
    app.test_client_class = CouncilClient
    if _schema["kind"] == "pg":
        with app.app_context():
            _pg_empty(_schema)
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
def seeded(app, _schema, request):
    """The reference data of `flask seed`: blocks, ministries, categories, directory, measures.
    On SQLite the app fixture already copied a database seeded once per session; on
    PostgreSQL the rows of one seed run are copied in again (`demo_data` brings them too)."""
    if _schema["kind"] == "pg" and "demo_data" not in request.fixturenames:
        pg_copy_in(_schema["seed"])
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


@pytest.fixture
def new_audit_entries(seeded):
    """new_audit_entries(*conditions): the audit entries written since the test began (on
    PostgreSQL the reference data is loaded per test, and logged)."""
    from council.audit.models import AuditEntry

    start = db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0

    def entries(*conditions):
        return db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.id > start, *conditions).order_by(AuditEntry.id)
        ).all()

    return entries
