"""Text typed into forms follows the rules of bid files: no control characters; a partner's name
may hold a ';' and still goes out and back in through every export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlmodel import select

from bidtool.models import BidRow
from bidtool.services.rounds import NewRound, create_round
from tests.web import test_hostile_input as hostile
from tests.web.screens import screen
from tests.web.test_bid_files import upload
from tests.web.test_hostile_input import ABOUT, DRAFT, PARTNERS, draft_now, url

# The draft bid of the hostile-input tests, in a round of its own.
tca_round, draft = hostile.tca_round, hostile.draft

CONTROL = "Shared\x1bback office"


@pytest.fixture
def app_config(app_config) -> dict:
    # A crash answers 500 with the error page, as in production, so that tests can say "never a 500".
    return {**app_config, "PROPAGATE_EXCEPTIONS": False}


@pytest.mark.parametrize(
    ("page", "data", "field", "message"),
    [
        ("about", {**ABOUT, "title": CONTROL}, "title", "Title contains a control character: remove it"),
        (
            "about",
            {**ABOUT, "contact": "Team\x07"},
            "contact",
            "Contact contains a control character: remove it",
        ),
        (
            "partners",
            {**PARTNERS, "partners-1-name": "Shire\x0cFire"},
            "partners-1-name",
            "Partner name contains a control character: remove it",
        ),
        (
            "narrative",
            {"answer_summary": "One\x08 back office."},
            "answer_summary",
            "Summary contains a control character: remove it",
        ),
    ],
    ids=["title", "contact", "partner", "narrative"],
)
def test_a_control_character_typed_into_a_form_is_refused_at_its_field(
    app, client, draft, page, data, field, message
):
    response = client.post(url(page), data=data)
    assert response.status_code == 200
    shown = screen(response)
    assert shown.summary == [(f"#{field}", message)]
    assert message in shown.inline_errors
    assert draft_now(app) == DRAFT


def test_tabs_and_line_breaks_in_a_narrative_answer_are_kept(app, client, draft):
    response = client.post(url("narrative"), data={"answer_summary": "One\tback office.\r\nTwo lines."})
    assert response.status_code == 302
    assert draft_now(app).narrative["summary"].splitlines() == ["One\tback office.", "Two lines."]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_partner_with_a_semicolon_in_its_name_survives_export_and_import(
    app, client, admin, session, draft, fmt
):
    named = {**PARTNERS, "partners-1-name": 'Smith; Jones Ltd "the partners"'}
    assert client.post(url("partners"), data=named).status_code == 302
    exported = admin.get(f"/rounds/tca-2013/export.{fmt}")
    assert exported.status_code == 200
    create_round(session, NewRound("copy", "A copy", "tca", 0))
    response = upload(admin, "copy", (f"bids.{fmt}", exported.data))
    assert response.status_code == 302, response.text
    session.expire_all()
    row = session.exec(
        select(BidRow).where(BidRow.reference == "ANY-01", BidRow.round.has(reference="copy"))
    ).one()
    assert [p.name for p in row.partners] == [DRAFT.partners[0].name, 'Smith; Jones Ltd "the partners"']


def test_the_ranking_workbook_holds_whatever_text_is_stored(app, session, demo, sign_in):
    row = session.exec(select(BidRow).where(BidRow.reference == "SWI-17")).one()
    row.title = "One\x01Swindon\x0b\x1f _x0041_"  # stored before forms refused control characters
    session.commit()
    response = sign_in("lead").get("/rounds/tca-2013/rankings.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    titles = [cells[2] for cells in sheet.iter_rows(min_row=2, values_only=True)]
    assert "One_x0001_Swindon_x000B__x001F_ _x005F_x0041_" in titles
