"""A round's name, pot and deadline changed by an admin, kept in the round's history; the scheme select."""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlmodel import Session, select

from bidtool import db
from bidtool.core.deadlines import end_of_day
from bidtool.models import HistoryRow
from bidtool.services.rounds import get_round
from tests.web.screens import COMPILED, screen

ROUND = "tca-2013"
EDIT = f"/rounds/{ROUND}/edit"
NAME = "Transformation Challenge Award 2013/14"
CHANGE = {"name": "TCA 2013/14", "pot": "7,500,000", "deadline": ["31", "3", "2027"]}


@pytest.fixture(autouse=True)
def compiled_once(app):
    app.jinja_env.bytecode_cache = COMPILED


def stored_round(app):
    with app.app_context(), Session(db.engine()) as fresh:
        row = get_round(fresh, ROUND)
        return row.name, row.pot_pence, row.deadline


def round_history(app) -> list[tuple]:
    with app.app_context(), Session(db.engine()) as fresh:
        rows = fresh.exec(select(HistoryRow).order_by(HistoryRow.id))
        return [(h.bid_id, h.kind, h.subject, h.old, h.new) for h in rows]


def test_the_scheme_select_starts_on_choose_a_scheme_and_choosing_none_is_refused(app, admin, demo):
    page = admin.get("/rounds/new").get_data(as_text=True)
    select_html = page[page.index('<select class="govuk-select" id="scheme"') :]
    assert select_html.index('<option value="">Choose a scheme</option>') < select_html.index('value="tca"')
    assert "selected" not in select_html[: select_html.index("</select>")]

    response = admin.post(
        "/rounds/new",
        data={"name": "Next", "reference": "next", "scheme": "", "pot": "5", "deadline": ["", "", ""]},
    )

    assert response.status_code == 200
    assert screen(response).summary == [("#scheme", "Choose a scheme")]


def test_an_admin_changes_the_name_pot_and_deadline_and_each_change_is_in_the_history(app, admin, demo):
    round_page = admin.get(f"/rounds/{ROUND}").get_data(as_text=True)
    assert f'href="{EDIT}"' in round_page
    form = screen(admin.get(EDIT))
    assert (form.values["name"], form.values["pot"]) == (NAME, "6,900,000")

    response = admin.post(EDIT, data=CHANGE)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/rounds/{ROUND}"
    assert stored_round(app) == ("TCA 2013/14", 750_000_000, datetime(2027, 3, 31, 22, 59, 59, tzinfo=UTC))
    assert round_history(app) == [
        (None, "round", "Name", NAME, "TCA 2013/14"),
        (None, "round", "Pot", "£6,900,000", "£7,500,000"),
        (None, "round", "Deadline", "None set", "11:59pm on 31 March 2027"),
    ]
    page = admin.get(f"/rounds/{ROUND}").get_data(as_text=True)
    assert "The round&#39;s name, pot and deadline have been changed" in page
    assert "11:59pm on 31 March 2027" in page and "1 April 2027" not in page
    history = page[page.index('data-testid="round-history"') :]
    assert "<details" in page[page.index("History of the round") - 300 : page.index("History of the round")]
    assert "£6,900,000 → £7,500,000" in history and "None set → 11:59pm on 31 March 2027" in history
    assert " open" not in page[page.index("<details") : page.index("History of the round")]


def test_the_change_page_shows_the_deadline_day_and_saving_it_unchanged_changes_nothing(app, admin, demo):
    admin.post(EDIT, data=CHANGE)

    form = screen(admin.get(EDIT))
    assert [form.values[f"deadline-{part}"] for part in ("day", "month", "year")] == ["31", "03", "2027"]
    assert admin.post(EDIT, data=CHANGE).status_code == 302
    assert len(round_history(app)) == 3
    assert "Nothing was changed" in admin.get(f"/rounds/{ROUND}").get_data(as_text=True)


def test_a_deadline_once_kept_as_midnight_is_shown_as_it_is_and_offered_as_the_day_before(app, admin, demo):
    with app.app_context(), Session(db.engine()) as fresh:
        row = get_round(fresh, ROUND)
        row.deadline = datetime(2027, 3, 31, 23, 0, tzinfo=UTC)  # 00:00 on 1 April 2027, BST
        fresh.add(row)
        fresh.commit()

    assert "12:00am on 1 April 2027" in admin.get(f"/rounds/{ROUND}").get_data(as_text=True)
    form = screen(admin.get(EDIT))
    assert [form.values[f"deadline-{part}"] for part in ("day", "month", "year")] == ["31", "03", "2027"]
    admin.post(EDIT, data=CHANGE | {"name": NAME, "pot": "6,900,000"})
    assert stored_round(app)[2] == end_of_day(date(2027, 3, 31))
    assert round_history(app) == [
        (None, "round", "Deadline", "12:00am on 1 April 2027", "11:59pm on 31 March 2027")
    ]


@pytest.mark.parametrize(
    ("change", "summary"),
    [
        ({"name": ""}, [("#name", "Enter the round's name")]),
        ({"pot": ""}, [("#pot", "Enter the money available in pounds")]),
        ({"pot": "lots"}, [("#pot", "Pot must be an amount in pounds, like 1,500 or 1,500.50")]),
        (
            {"deadline": ["31", "2", "2027"]},
            [("#deadline", "Deadline (optional) must be a real date, like 27 3 2026")],
        ),
    ],
    ids=["no-name", "no-pot", "bad-pot", "no-such-day"],
)
def test_a_change_with_a_mistake_is_refused_at_its_field_and_changes_nothing(
    app, admin, demo, change, summary
):
    before = stored_round(app)

    response = admin.post(EDIT, data=CHANGE | change)

    assert response.status_code == 200
    assert screen(response).summary == summary
    assert stored_round(app) == before
    assert round_history(app) == []


def test_the_change_page_says_the_reference_and_scheme_stay(admin, demo):
    page = admin.get(EDIT).get_data(as_text=True)
    assert "The reference (tca-2013) and the assessment scheme" in page
    assert "cannot be changed" in page


@pytest.mark.parametrize("who", ["lead", "panel", "admin"])
def test_the_round_history_is_shown_to_admins_leads_and_the_panel(admin, sign_in, demo, who):
    admin.post(EDIT, data=CHANGE)

    page = sign_in(who).get(f"/rounds/{ROUND}").get_data(as_text=True)

    assert 'data-testid="round-history"' in page and "£6,900,000 → £7,500,000" in page
    assert (f'href="{EDIT}"' in page) == (who == "admin")


@pytest.mark.parametrize("who", ["council", "assessor"])
def test_the_round_history_is_not_shown_to_councils_or_assessors(admin, sign_in, demo, who):
    admin.post(EDIT, data=CHANGE)

    page = sign_in(who).get(f"/rounds/{ROUND}").get_data(as_text=True)

    assert "round-history" not in page and "£6,900,000 →" not in page and f'href="{EDIT}"' not in page


def test_the_scores_download_lists_a_round_change_with_no_bid(admin, sign_in, demo):
    admin.post(EDIT, data=CHANGE)

    book = openpyxl.load_workbook(io.BytesIO(sign_in("panel").get(f"/rounds/{ROUND}/scores.xlsx").data))

    history = list(book["History"].values)
    assert [row[1:] for row in history[1:]] == [
        ("admin@tests.bidtool.test", None, "round", "Name", NAME, "TCA 2013/14", None),
        ("admin@tests.bidtool.test", None, "round", "Pot", "£6,900,000", "£7,500,000", None),
        ("admin@tests.bidtool.test", None, "round", "Deadline", "None set", "11:59pm on 31 March 2027", None),
    ]
