"""The panel's decisions on the ranking page (agreement, calibration, funded probability, rank range,
the best portfolio), what-if weights, the lead's ranking settings, and a proposed assignment."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from click.testing import CliRunner
from sqlmodel import Session, select

from bidtool import db, printing
from bidtool.cli import main
from bidtool.core import wording
from bidtool.core.decisions.panel import decisions_summary
from bidtool.models import AssignmentRow, BidRow, ConflictRow, HistoryRow, UserRow
from bidtool.services import EVERYONE
from bidtool.services.assessment import rank_round
from bidtool.services.conflicts import round_conflicts
from bidtool.services.decisions import round_decisions
from bidtool.services.rounds import get_round, scheme_of
from bidtool.services.sheets import round_pack
from tests.web.screens import screen
from tests.web.test_rankings import PAGE, ROUND, table

SETTINGS = f"/rounds/{ROUND}/rankings/settings"
PROPOSE = f"/rounds/{ROUND}/assessors/propose"


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(response.get_data(as_text=True).split())


def test_the_page_shows_each_bids_funded_probability_rank_range_and_calibrated_score(scored, session, reader):
    _, found = round_decisions(session, ROUND, 200_000_000)
    shown = {cells[1]: cells for cells in table(reader.get(PAGE, query_string={"pot": "2,000,000"})).bids()}
    for row in found.ranking.rows:
        reference = row.bid.reference
        cells = shown[reference]
        assert cells[4] == wording.ratio(found.calibrated[reference])
        assert cells[8] == wording.probability(found.robustness.funded[reference])
        assert cells[9] == wording.rank_range(found.robustness.rank_range[reference])
    assert {cells[8] for cells in shown.values()} > {"100%", "0%"}  # some bids are neither sure nor out


def test_the_page_shows_agreement_the_assessors_and_the_best_portfolio(scored, session, reader):
    _, found = round_decisions(session, ROUND, 200_000_000)
    html = text_of(reader.get(PAGE, query_string={"pot": "2,000,000"}))
    for criterion in scheme_of(get_round(session, ROUND)).criteria:
        alpha = wording.agreement(found.agreement.criteria[criterion.id])
        assert f'{criterion.name}</dt> <dd class="govuk-summary-list__value">{alpha}</dd>' in html
    assert f"<strong>{wording.agreement(found.agreement.overall)}</strong>" in html
    for a in found.agreement.assessors:
        assert f"{a.assessor}</td>" in html and wording.points(a.leniency) in html
    best = found.portfolio
    assert best.only_best and best.best.total_score > best.line.total_score  # at £2m the line gives some up
    assert f"{', '.join(best.only_best)}</td>" in html and f"{', '.join(best.only_line)}</td>" in html
    assert f"{wording.ratio(best.best.total_score)}</td>" in html
    # At most one bid per lead organisation, by NPV: asked for in the address.
    query = {"pot": "2,000,000", "best": "npv", "one_per_lead": "y"}
    _, by_npv = round_decisions(
        session, ROUND, 200_000_000, objective=best.objective.NPV, one_per_organisation=True
    )
    assert f"{wording.money(by_npv.portfolio.best.total_npv)}</td>" in text_of(
        reader.get(PAGE, query_string=query)
    )


def test_what_if_weights_redraw_the_ranking_and_save_nothing(app, scored, session, reader):
    weights = {"weight-value_for_money": "100", "weight-innovation": "1"}
    page = reader.get(PAGE, query_string=weights)
    _, found = round_decisions(session, ROUND, weights={"value_for_money": 100, "innovation": 1})
    assert [cells[1] for cells in table(page).bids()] == [row.bid.reference for row in found.ranking.rows]
    assert [cells[1] for cells in table(page).bids()] != [
        row.bid.reference for row in rank_round(session, ROUND).rows
    ]
    html = text_of(page)
    assert "Ranking: what if the weights were different?" in html
    assert (
        "This is a what-if: the bids are ranked with the weights Value for money 100, Innovation 1," in html
    )
    assert screen(page).values["weight-value_for_money"] == "100"
    with app.app_context(), Session(db.engine()) as fresh:
        weights_now = [c.weight for c in scheme_of(get_round(fresh, ROUND)).criteria]
    assert weights_now == [c.weight for c in scheme_of(get_round(session, ROUND)).criteria]
    download = reader.get(f"{PAGE}.csv", query_string=weights)
    assert (
        download.headers["Content-Disposition"] == f"attachment; filename={ROUND}-ranking-what-if-weights.csv"
    )
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert [r["reference"] for r in rows] == [row.bid.reference for row in found.ranking.rows]


def test_a_weight_that_is_not_a_number_is_named_at_its_field(scored, reader):
    page = reader.get(PAGE, query_string={"weight-innovation": "lots", "weight-collaboration": "0"})
    shown = screen(page)
    assert shown.summary == [
        ("#weight-innovation", "Weight of Innovation must be a number, like 30 or 12.5"),
        ("#weight-collaboration", "Weight of Collaboration must be more than 0 and at most 1,000,000"),
    ]
    assert table(page).line_above() == "COR-06"  # the scheme's weights, as if nothing were asked


def test_the_lead_adopts_calibrated_scores_with_a_reason_kept_in_the_history(
    app, scored, session, sign_in, database_url, monkeypatch
):
    lead = sign_in("lead")
    refused = lead.post(SETTINGS, data={"calibrated": "calibrated", "concentration": "0", "reason": ""})
    assert [href for href, _ in screen(refused).summary] == ["#concentration", "#reason"]
    assert not get_round(session, ROUND).calibrated
    saved = lead.post(
        SETTINGS, data={"calibrated": "calibrated", "concentration": "50", "reason": "Agreed at the panel"}
    )
    assert saved.status_code == 302
    with app.app_context(), Session(db.engine()) as fresh:
        round_row = get_round(fresh, ROUND)
        assert (round_row.calibrated, round_row.weight_concentration) == (True, 50)
        entries = fresh.exec(select(HistoryRow).where(HistoryRow.round_id == round_row.id)).all()
        assert {(e.subject, e.old, e.new, e.justification) for e in entries} >= {
            ("Scores ranked on", "raw scores", "calibrated scores", "Agreed at the panel"),
            ("Weight concentration", "100", "50", "Agreed at the panel"),
        }
        _, found = round_decisions(fresh, ROUND)
        ranking = rank_round(fresh, ROUND)
    # The ranking, the page, the file and the command line all rank on the calibrated scores.
    assert found.settings.calibrated and found.robustness.concentration == 50
    assert [r.bid.weighted_score for r in ranking.rows] == [
        found.calibrated[r.bid.reference] for r in ranking.rows
    ]
    assert any(found.calibrated[r] != found.raw[r] for r in found.raw)
    html = text_of(sign_in("panel").get(PAGE))
    assert "Ranked on <strong>calibrated scores</strong>" in html
    assert "Raw score</th>" in html
    rows = list(csv.DictReader(io.StringIO(sign_in("panel").get(f"{PAGE}.csv").get_data(as_text=True))))
    assert {r["scored_on"] for r in rows} == {"calibrated"}
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["rank", "--round", ROUND, "--json"], catch_exceptions=False)
    assert '"scored_on": "calibrated"' in result.stdout
    assert decisions_summary(found)["scored_on"] == "calibrated"


def test_the_lead_reviews_a_proposed_assignment_then_makes_it(app, scored, session, sign_in, people):
    lead = sign_in("lead")
    # The test assessor declares an interest in one bid: the proposal must not cross it.
    bid = session.exec(select(BidRow).where(BidRow.reference == "SWI-17")).one()
    session.add(ConflictRow(bid_id=bid.id, assessor_id=people["assessor"], reason="Advised the council"))
    session.commit()
    review = lead.get(PROPOSE, query_string={"per_bid": "2", "min_load": "0", "max_load": "10"})
    html = text_of(review)
    assert "36 new assignments" in html
    assert session.exec(select(AssignmentRow)).all() == []  # nothing is assigned by asking
    pairs = [value for name, value in _inputs(review.get_data(as_text=True)) if name == "pair"]
    made = lead.post(PROPOSE, data={"csrf_token": _token(review.get_data(as_text=True)), "pair": pairs})
    assert made.status_code == 302 and made.headers["Location"].endswith(f"/rounds/{ROUND}/assessors")
    with app.app_context(), Session(db.engine()) as fresh:
        assignments = fresh.exec(select(AssignmentRow)).all()
        assert len(assignments) == 36
        conflicts = round_conflicts(fresh, get_round(fresh, ROUND))
        assert not [a for a in assignments if a.assessor_id in conflicts.get(a.bid_id, {})]
        loads = Counter(a.assessor_id for a in assignments)
        assert sorted(loads.values()) == [9, 9, 9, 9]
        assessors = {u.id for u in fresh.exec(select(UserRow).where(UserRow.role == "assessor"))}
        assert set(loads) == assessors
        history = fresh.exec(select(HistoryRow).where(HistoryRow.kind == "assignment")).all()
        assert len(history) == 36 and {h.new for h in history} == {"assigned"}


def test_a_proposal_that_cannot_be_made_says_why(scored, sign_in):
    html = text_of(
        sign_in("lead").get(PROPOSE, query_string={"per_bid": "5", "min_load": "0", "max_load": "30"})
    )
    assert "No assignment is possible:" in html
    assert "CWH-05 needs 5 more assessors but only 4 can take it" in html


def test_a_bad_request_for_a_proposal_is_named_at_its_field(scored, sign_in):
    page = sign_in("lead").get(PROPOSE, query_string={"per_bid": "none", "min_load": "0", "max_load": "10"})
    assert screen(page).summary == [("#per_bid", "Assessors per bid must be a whole number, like 2")]
    assert 'data-testid="proposal"' not in page.get_data(as_text=True)


def _inputs(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)


def _token(html: str) -> str:
    return dict(_inputs(html))["csrf_token"]


def test_the_packs_summary_shows_the_decisions_the_page_shows(app, scored, session):
    get_round(session, ROUND).pot_pence = 200_000_000
    session.commit()
    _, found = round_decisions(session, ROUND)
    with app.test_request_context():
        pack = round_pack(session, EVERYONE, ROUND)
        html = " ".join(printing._pack_html(pack, frozenset(printing.SUMMARY_PARTS)).split())
    assert pack.decisions.ranking == found.ranking
    for row in found.ranking.rows:
        reference = row.bid.reference
        chance = wording.probability(found.robustness.funded[reference])
        ranks = wording.rank_range(found.robustness.rank_range[reference])
        calibrated = wording.ratio(found.calibrated[reference])
        assert re.search(
            rf"<td>{reference}</td>.*?\({calibrated}\).*?{chance}<span class=\"reason\">\({ranks}\)", html
        )
    assert f"All criteria: <strong>{wording.agreement(found.agreement.overall)}</strong>" in html
    assert f"<td>{', '.join(found.portfolio.only_best)}</td>" in html
