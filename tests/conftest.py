"""Fixtures for tests that need the web application and a real database.

The database is SQLite in a temporary folder, or the PostgreSQL server named by
BIDTOOL_TEST_DATABASE_URL (tests/with_postgres.sh starts one). Its schema comes from the
migrations, once per run; every test starts from empty tables.
"""

import contextlib
import contextvars
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete
from sqlmodel import SQLModel

from bidtool import create_app, db
from bidtool.config import PROJECT_ROOT
from bidtool.core.access import Role
from bidtool.files import load_bid
from bidtool.models import UserRow
from bidtool.services import EVERYONE
from bidtool.services.accounts import hasher
from bidtool.services.assessment import import_scores
from bidtool.services.bids import create_bid
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
def app_config(database_url, tmp_path) -> dict:
    """Configuration of the test application; CSRF is checked only where a test asks for it."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "tests",
        "WTF_CSRF_ENABLED": False,
        "PRINTS_DIR": str(tmp_path / "prints"),
        "HUEY_IMMEDIATE": True,  # tasks run in the request that queues them; see test_print_queue.py
        "PRINT_AHEAD": False,  # commits print no sheets (in the commit, with HUEY_IMMEDIATE); tested apart
    }


@contextlib.contextmanager
def task_worker(config: dict, folder: Path, per_round: int = 1):
    """`config` with a real queue (SQLite in `folder`) and a `bidtool worker` process running its
    tasks, on the same database and print folder, until the block ends."""
    config = config | {"HUEY_IMMEDIATE": False, "HUEY_URL": f"sqlite:///{folder / 'huey.sqlite'}"}
    env = {
        **os.environ,
        "BIDTOOL_DATABASE_URL": config["DATABASE_URL"],
        "BIDTOOL_HUEY_URL": config["HUEY_URL"],
        "BIDTOOL_PRINTS_DIR": config["PRINTS_DIR"],
        "BIDTOOL_SECRET_KEY": config["SECRET_KEY"],
        "BIDTOOL_PRINTS_PER_ROUND": str(per_round),
    }
    with (folder / "worker.log").open("w") as log:
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("bidtool")), "worker", "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(480):  # ready once it says so: importing takes a while on a busy machine
                if "Huey consumer started" in (folder / "worker.log").read_text():
                    break
                time.sleep(0.5)
            yield config
        finally:
            worker.terminate()
            worker.wait(60)


class RequestClient(FlaskClient):
    """A test client whose every request runs as in production: in an application context of its
    own (its own `g`, database session and signed-in user), not in the one a test holds open."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = RequestClient
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


PASSWORD = "correct horse battery staple"
ORGANISATION = "Anytown District Council"
OTHER_ORGANISATION = "Shire County Council"
# Who signs in, by the name tests use: (role, organisation).
PEOPLE = {
    "council": (Role.COUNCIL, ORGANISATION),
    "other_council": (Role.COUNCIL, OTHER_ORGANISATION),
    "assessor": (Role.ASSESSOR, "Ministry of Housing, Communities and Local Government"),
    "lead": (Role.LEAD_ASSESSOR, None),
    "panel": (Role.PANEL, None),
    "admin": (Role.ADMIN, None),
}


def email_of(who: str) -> str:
    return f"{who.replace('_', '-')}@tests.bidtool.test"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """PASSWORD hashed once: argon2 is slow on purpose, and every web test needs the people."""
    return hasher.hash(PASSWORD)


@pytest.fixture
def people(session, password_hash) -> dict[str, int]:
    """One user for each kind of person (the password is PASSWORD); their ids by name."""
    rows = {
        who: UserRow(
            email=email_of(who), password_hash=password_hash, role=role.value, organisation=organisation
        )
        for who, (role, organisation) in PEOPLE.items()
    }
    session.add_all(rows.values())
    session.commit()
    return {who: row.id for who, row in rows.items()}


@pytest.fixture
def sign_in(app, people):
    """A test client signed in as one of the people."""

    def signed_in(who: str):
        client = app.test_client()
        response = client.post("/sign-in", data={"email": email_of(who), "password": PASSWORD})
        assert response.status_code == 302, response.text
        return client

    return signed_in


@pytest.fixture
def anonymous(app):
    return app.test_client()


@pytest.fixture
def client(sign_in):
    """A council user of ORGANISATION, who writes that organisation's bids."""
    return sign_in("council")


@pytest.fixture
def reader(sign_in):
    """A panel member, who reads every bid and changes nothing."""
    return sign_in("panel")


@pytest.fixture
def admin(sign_in):
    return sign_in("admin")


@pytest.fixture
def demo(session):
    """The demo round tca-2013 with its 18 bids and the shipped schemes."""
    return load_demo(session, PROJECT_ROOT / "fixtures" / "schemes", PROJECT_ROOT / "fixtures" / "tca2013")


@pytest.fixture
def demo_draft(demo, session):
    """The demo round with the council draft SWI-50 that `bidtool demo` adds (not the demo fixture)."""
    return create_bid(session, EVERYONE, "tca-2013", load_bid(DEMO_DRAFT))


DEMO_DRAFT = PROJECT_ROOT / "fixtures" / "tca2013" / "drafts" / "50-swindon-shared-customer-contact.json"
DEMO_SCORES = PROJECT_ROOT / "fixtures" / "tca2013" / "scores.csv"
DEMO_ASSESSORS = ("a.khan", "b.jones", "c.obi", "lead")


@pytest.fixture
def scored(demo, session, password_hash):
    """The demo round with the scores of fixtures/tca2013/scores.csv stored, and their assessors."""
    for name in DEMO_ASSESSORS:
        role = Role.LEAD_ASSESSOR if name == "lead" else Role.ASSESSOR
        email = f"{name}@assessors.example.gov.uk"
        session.add(UserRow(email=email, password_hash=password_hash, role=role.value, organisation="MHCLG"))
    session.commit()
    with DEMO_SCORES.open(newline="") as lines:
        import_scores(session, None, "tca-2013", lines)
