"""One demo data set per module: loading it takes seconds, so the tests share it."""

import shutil

import pytest
import sqlalchemy as sa

from council import create_app
from council.extensions import db
from tests.conftest import PG_URL, _base_config


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
        names = ", ".join(f'"{t}"' for t in _schema["tables"])
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
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
