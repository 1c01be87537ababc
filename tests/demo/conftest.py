"""One demo data set per module, restored from the session's (tests/demo_data.py): the tests
of a module share it, and some of them change it."""

import shutil

import pytest

from council import create_app
from council.extensions import db
from tests.conftest import PG_URL, _base_config
from tests.demo_data import restore_demo


@pytest.fixture(scope="module")
def demo(_schema, demo_snapshot, tmp_path_factory):
    """An app whose database holds the reference data and one run of load_demo().
    Yields the logins that run returned; the app context stays pushed for the module."""
    tmp = tmp_path_factory.mktemp("demo")
    if _schema["kind"] == "pg":
        uri = PG_URL
    else:
        shutil.copy(demo_snapshot["template"], tmp / "demo.db")
        uri = f"sqlite:///{tmp / 'demo.db'}"
    app = create_app(_base_config(tmp, uri))
    ctx = app.app_context()
    ctx.push()
    restore_demo(demo_snapshot, _schema)
    yield demo_snapshot["logins"]
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.engine.dispose()
