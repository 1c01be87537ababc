"""One demo data set per module: loading it takes seconds, so the tests share it."""

import shutil

import pytest

from council import create_app
from council.extensions import db
from tests.conftest import PG_URL, _base_config, _pg_empty


@pytest.fixture(scope="module")
def demo(_schema, tmp_path_factory):
    """An app whose database holds the reference data and one run of load_demo().
    Yields the logins that run returned; the app context stays pushed for the module."""
    from council.audit.hooks import act_as_system
    from council.demo import load_demo
    from council.seed import seed_all

    tmp = tmp_path_factory.mktemp("demo")
    if _schema["kind"] == "pg":
        uri = PG_URL
    else:
        shutil.copy(_schema["seeded_template"], tmp / "demo.db")
        uri = f"sqlite:///{tmp / 'demo.db'}"
    app = create_app(_base_config(tmp, uri))
    ctx = app.app_context()
    ctx.push()
    if _schema["kind"] == "pg":
        _pg_empty(_schema)
        seed_all()
        db.session.commit()
    act_as_system(db.session)
    logins = load_demo()
    db.session.commit()
    yield logins
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.engine.dispose()
