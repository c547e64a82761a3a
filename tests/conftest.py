"""Fixtures for tests that need the web application and a real database.

The database is SQLite in a temporary folder, or the PostgreSQL server named by
BIDTOOL_TEST_DATABASE_URL (tests/with_postgres.sh starts one). Its schema comes from the
migrations, once per run; every test starts from empty tables.
"""

import os

import pytest
from sqlalchemy import delete
from sqlmodel import SQLModel

from bidtool import create_app, db
from bidtool.config import PROJECT_ROOT
from bidtool.services.demo import load_demo


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = (
        os.environ.get("BIDTOOL_TEST_DATABASE_URL")
        or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    )
    db.upgrade(url)
    return url


@pytest.fixture
def app_config(database_url) -> dict:
    """Configuration of the test application; CSRF is checked only where a test asks for it."""
    return {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "tests", "WTF_CSRF_ENABLED": False}


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    with app.app_context():
        with db.engine().begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(delete(table))
        db.engine().dispose()


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(session):
    """The demo round tca-2013 with its 18 bids and the shipped schemes."""
    return load_demo(session, PROJECT_ROOT / "fixtures" / "schemes", PROJECT_ROOT / "fixtures" / "tca2013")
