"""`--as EMAIL` makes the file commands follow that user's rules, as the web pages do."""

import json

import pytest

from bidtool.core.access import Role
from bidtool.services.accounts import NewUser, create_user
from tests.conftest import PASSWORD, email_of
from tests.samples import bid_data


@pytest.fixture
def database(demo, people, database_url, monkeypatch):
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)


@pytest.fixture
def swindon(session, database):

    create_user(
        session, NewUser("swindon@tests.bidtool.test", Role.COUNCIL, "Swindon Borough Council"), PASSWORD
    )
    return "swindon@tests.bidtool.test"


def test_an_export_as_a_council_user_holds_their_organisations_bids_only(run, swindon):
    result = run("export-bids", "--round", "tca-2013", "--format", "json", "--as", swindon)
    assert result.exit_code == 0, result.stderr
    assert [bid["reference"] for bid in json.loads(result.stdout)] == ["SWI-17"]


def test_an_export_as_the_operator_holds_every_bid(run, database):
    result = run("export-bids", "--round", "tca-2013", "--format", "json")
    assert len(json.loads(result.stdout)) == 18


def test_an_import_as_a_council_user_of_another_organisations_bid_adds_nothing(run, write, swindon):
    other = write("bid.json", bid_data(reference="NEW-01", lead_organisation="Anytown Borough Council"))
    result = run("import-bids", "--round", "tca-2013", other, "--as", swindon)
    assert result.exit_code == 2
    assert result.stderr.endswith("bid NEW-01: you can only add bids led by your own organisation\n")
    again = run("export-bids", "--round", "tca-2013", "--format", "json")
    assert "NEW-01" not in {bid["reference"] for bid in json.loads(again.stdout)}


def test_a_user_without_the_right_may_not_import_as_themselves(run, write, database):
    result = run("import-bids", "--round", "tca-2013", write("b.json", bid_data()), "--as", email_of("panel"))
    assert result.exit_code == 2
    assert result.stderr == f"error: --as: {email_of('panel')} (Panel member) may not do this\n"


def test_acting_as_someone_unknown_is_refused(run, database):
    result = run("export-bids", "--round", "tca-2013", "--format", "json", "--as", "nobody@example.org")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: --as: There is no active user 'nobody@example.org'.\n"
