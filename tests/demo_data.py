"""The demo data set (`flask demo`'s activities) loaded once per session and handed to every
test that asks for it, instead of running load_demo() again (seconds each time).

`demo_snapshot` loads it once, on top of the reference data, and keeps what it wrote: on SQLite
a database file that the `app` fixture copies, on PostgreSQL every table's rows in COPY format.
Under pytest-xdist the first worker that needs it loads it and leaves it in the run's shared
temporary folder; the other reads it from there (a file lock orders them).
`demo_data` gives a test that database and the logins, one (role, email, password) per role.
Loading the demo itself (idempotence, the plan) stays tested in tests/demo/test_demo.py.
"""

import fcntl
import os
import pickle
import shutil

import pytest

from council import create_app
from council.extensions import db


def load_into(app) -> list[tuple[str, str, str]]:
    """What `flask demo` writes first: the demo activities, as the system (cli)."""
    from council.audit.hooks import act_as_system
    from council.demo import load_demo

    with app.app_context():
        act_as_system(db.session)
        logins = load_demo()
        db.session.commit()
        db.session.remove()
    return logins


@pytest.fixture(scope="session")
def demo_snapshot(_schema, tmp_path_factory) -> dict:
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    saved = shared / f"demo-{_schema['kind']}.pickle"
    with open(shared / f"demo-{_schema['kind']}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            snapshot = _take_snapshot(_schema, shared)
            saved.write_bytes(pickle.dumps(snapshot))
        return pickle.loads(saved.read_bytes())


def _take_snapshot(schema: dict, folder) -> dict:
    from tests.conftest import PG_URL, _base_config, _pg_empty, pg_copy_in, pg_copy_out

    if schema["kind"] == "sqlite":
        template = folder / "demo.db"
        shutil.copy(schema["seeded_template"], template)
        app = create_app(_base_config(folder, f"sqlite:///{template}"))
        logins = load_into(app)
        with app.app_context():
            db.engine.dispose()
        return {"logins": logins, "template": template}
    # PostgreSQL: load it in this worker's database, read every table back, leave it empty.
    app = create_app(_base_config(folder, PG_URL))
    with app.app_context():
        _pg_empty(schema)
        pg_copy_in(schema["seed"])
    logins = load_into(app)
    with app.app_context():
        rows = pg_copy_out()
        _pg_empty(schema)
        db.engine.dispose()
    return {"logins": logins, **rows}


def restore_demo(snapshot: dict, schema: dict) -> None:
    """Puts the demo back into the database of the app whose context is pushed (PostgreSQL:
    the tables are emptied first; on SQLite the `app` fixture copied the file already)."""
    from tests.conftest import _pg_empty, pg_copy_in

    if schema["kind"] == "pg":
        _pg_empty(schema)
        pg_copy_in(snapshot)


@pytest.fixture
def demo_data(app, _schema, demo_snapshot) -> list[tuple[str, str, str]]:
    """The test's database holds the reference data and the demo; returns the demo logins."""
    restore_demo(demo_snapshot, _schema)
    return demo_snapshot["logins"]
