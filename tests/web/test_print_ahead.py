"""Sheets printed ahead: each kept under a key of everything it prints, which changes with each
thing and with nothing else; a pack bound from kept sheets never binds a stale one; a commit
that changes what a sheet prints has it printed again."""

import shutil
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bidtool import packs, printing
from bidtool.models import (
    BidRow,
    BidYearRow,
    ConflictRow,
    NarrativeRow,
    RoundRow,
    SchemeRow,
    ScoreRow,
    SignInAttemptRow,
    UserRow,
)
from bidtool.services import EVERYONE, sheets
from bidtool.services.assessment import complete_assessment
from tests.pdfs import text

ROUND = "tca-2013"
BID, OTHER = "SWI-17", "BMS-01"


def _bid(session, reference: str = BID) -> BidRow:
    return session.exec(select(BidRow).where(BidRow.reference == reference)).one()


def _score(session, reference: str = BID, moderated: bool = False) -> ScoreRow:
    bid = _bid(session, reference)
    return session.exec(
        select(ScoreRow)
        .where(ScoreRow.bid_id == bid.id, ScoreRow.moderated == moderated)
        .order_by(ScoreRow.id)
    ).first()


def _key(session, reference: str = BID) -> str:
    return sheets.sheet_key(sheets.bid_sheet(session, EVERYONE, ROUND, reference))


def _retitle(session, people):
    _bid(session).title = "One Swindon, renamed"


def _more_savings(session, people):
    _bid(session).years[-1].savings_pence += 100


def _another_year(session, people):
    bid = _bid(session)
    bid.years.append(BidYearRow(year=bid.years[-1].year + 1, savings_pence=100))


def _partner_type(session, people):
    _bid(session).partners[0].type = "health"


def _summary(session, people):
    answer = session.exec(
        select(NarrativeRow).where(NarrativeRow.bid_id == _bid(session).id, NarrativeRow.key == "summary")
    ).one()
    answer.text += " And more."


def _rescore(session, people):
    score = _score(session)
    score.score = 4 if score.score != 4 else 3


def _justify(session, people):
    _score(session).justification += " On reflection."


def _another_score(session, assessor_id: int, criterion: str, **score) -> None:
    session.add(ScoreRow(bid_id=_bid(session).id, assessor_id=assessor_id, criterion=criterion, **score))


def _moderate(session, people):
    _another_score(
        session, people["lead"], "innovation", score=1, justification="Down", moderated=True, submitted=True
    )


def _declare(session, people):
    session.add(
        ConflictRow(bid_id=_bid(session).id, assessor_id=_score(session).assessor_id, reason="Knows them")
    )


def _assessor_renamed(session, people):
    session.get(UserRow, _score(session).assessor_id).email = "renamed@assessors.example.gov.uk"


def _assessor_moves_to_a_partner(session, people):
    session.get(UserRow, _score(session).assessor_id).organisation = _bid(session).partners[0].name


def _reweighted(session, people):
    scheme = session.exec(select(SchemeRow).where(SchemeRow.key == "tca")).one()
    document = dict(scheme.document)
    document["criteria"] = [dict(c) for c in document["criteria"]]
    document["criteria"][0]["weight"] += 10
    scheme.document = document


def _completed(session, people):
    complete_assessment(session, people["lead"], ROUND, BID)


def _round_renamed(session, people):
    session.exec(select(RoundRow).where(RoundRow.reference == ROUND)).one().name = "TCA 2013/14"


@pytest.mark.parametrize(
    "change",
    [
        _retitle,
        _more_savings,
        _another_year,
        _partner_type,
        _summary,
        _rescore,
        _justify,
        _moderate,
        _declare,
        _assessor_renamed,
        _assessor_moves_to_a_partner,
        _reweighted,
        _completed,
        _round_renamed,
    ],
)
def test_a_sheets_key_changes_with_each_thing_it_prints(scored, session, people, change):
    before, other = _key(session), _key(session, OTHER)
    change(session, people)
    session.commit()
    assert _key(session) != before
    if change not in (_reweighted, _round_renamed, _assessor_renamed):  # those print on every sheet
        assert _key(session, OTHER) == other


def _pot(session, people):
    session.exec(select(RoundRow).where(RoundRow.reference == ROUND)).one().pot_pence += 100_000_000


def _other_bid_rescored(session, people):
    score = _score(session, OTHER)
    score.score = 4 if score.score != 4 else 0


def _new_panel_member(session, people):
    session.add(UserRow(email="new-panel@tests.bidtool.test", password_hash="x", role="panel"))


def _failed_sign_in(session, people):
    session.add(SignInAttemptRow(email="someone@tests.bidtool.test", address="127.0.0.1"))


def _draft_scores_of_another_assessor(session, people):
    _another_score(session, people["assessor"], "innovation", score=0, justification="Draft", submitted=False)


@pytest.mark.parametrize(
    "change",
    [_pot, _other_bid_rescored, _new_panel_member, _failed_sign_in, _draft_scores_of_another_assessor],
)
def test_a_sheets_key_does_not_change_with_what_it_does_not_print(scored, session, people, change):
    """Its rank and the funding line move with the pot and other bids' scores: the pack prints those."""
    before = _key(session)
    change(session, people)
    session.commit()
    assert _key(session) == before


def test_a_sheets_key_changes_with_the_templates_and_stylesheet_that_print_it(
    scored, session, tmp_path, monkeypatch
):
    for folder in ("bidtool", "templates", "static/css"):
        shutil.copytree(sheets.PROJECT_ROOT / folder, tmp_path / folder)
    monkeypatch.setattr(sheets, "PROJECT_ROOT", tmp_path)
    sheets.code_version.cache_clear()
    try:
        keys = [_key(session)]
        for printed in ("static/css/print.css", "templates/print/_parts.html"):
            with (tmp_path / printed).open("a") as changed:
                changed.write("\n")
            sheets.code_version.cache_clear()
            keys.append(_key(session))
        assert len(set(keys)) == 3
    finally:
        sheets.code_version.cache_clear()


def _pack(app, session) -> bytes:
    with app.test_request_context():
        return packs.pack_pdf(sheets.round_pack(session, EVERYONE, ROUND), datetime.now(UTC))


def _kept(app) -> set[str]:
    with app.app_context():
        return {path.name for path in packs.parts_folder().glob("*.pdf")}


def test_a_stale_sheet_is_never_bound_and_only_what_changed_is_printed_again(scored, session, app):
    first = text(_pack(app, session))
    kept = _kept(app)
    assert len(kept) == 20  # every bid's sheet and the summary's two parts
    score = _score(session)
    old = score.justification
    score.justification = "Rewritten after the panel met."
    session.commit()  # no task prints ahead here (PRINT_AHEAD is off): the pack finds the sheet stale
    again = text(_pack(app, session))
    assert "Rewritten after the panel met." in again and "Rewritten after the panel met." not in first
    assert old.split()[0] in first
    now = _kept(app)
    # The changed sheet and nothing else: a justification moves nothing in the summary.
    assert now - kept == {sheets.sheet_key(sheets.bid_sheet(session, EVERYONE, ROUND, BID)) + ".pdf"}


def test_a_commit_that_changes_a_sheet_prints_it_ahead_and_one_that_prints_nothing_does_not(
    scored, session, app
):
    with app.app_context():
        packs.print_ahead(session, None)
    kept = _kept(app)
    app.config["PRINT_AHEAD"] = True  # from here, as in production; the queue runs tasks at once
    session.add(SignInAttemptRow(email="someone@tests.bidtool.test", address="127.0.0.1"))
    session.commit()
    assert _kept(app) == kept
    score = _score(session)
    score.score = 4 if score.score != 4 else 3
    session.commit()
    new = _kept(app) - kept
    pack = sheets.round_pack(session, EVERYONE, ROUND)
    assert new == {  # a score moves the ranking: the sheet and both parts of the summary
        sheets.sheet_key(sheets.bid_sheet(session, EVERYONE, ROUND, BID)) + ".pdf",
        *(sheets.summary_key(pack, part) + ".pdf" for part in printing.SUMMARY_PARTS),
    }
