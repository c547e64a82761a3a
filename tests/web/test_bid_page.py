"""The bid page per role: "Bid" for those who assess it, its scores as ranked, the history folded away."""

import re

import pytest
from sqlmodel import select

from bidtool.models import BidRow
from bidtool.services.assessment import assign, rank_round
from bidtool.web.filters import ratio, score
from tests.conftest import ORGANISATION
from tests.web.screens import COMPILED

ROUND = "tca-2013"
BID = "BMS-01"  # its value for money is moderated in the demo scores
PAGE = f"/rounds/{ROUND}/bids/{BID}"
OTHER_ASSESSOR = "a.khan@assessors.example.gov.uk"


@pytest.fixture(autouse=True)
def compiled_once(app):
    app.jinja_env.bytecode_cache = COMPILED


@pytest.fixture
def bid_page(scored, session, people, sign_in):
    """The demo bid with its scores, assigned to the assessor and led by the council's organisation."""
    assign(session, people["lead"], ROUND, [BID], [people["assessor"]])
    bid = session.exec(select(BidRow).where(BidRow.reference == BID)).one()
    bid.lead_organisation = ORGANISATION
    session.commit()
    return lambda who: sign_in(who).get(PAGE).get_data(as_text=True)


def section_heading(page: str) -> str:
    return re.search(r'<h2 class="govuk-heading-m">([^<]*)</h2>', page).group(1)


@pytest.mark.parametrize(
    ("who", "heading"),
    [("council", "Your bid"), ("assessor", "Bid"), ("lead", "Bid"), ("panel", "Bid"), ("admin", "Bid")],
)
def test_only_the_council_reads_your_bid(bid_page, who, heading):
    assert section_heading(bid_page(who)) == heading


@pytest.mark.parametrize("who", ["lead", "panel"])
def test_the_lead_and_the_panel_see_each_criterion_scored_as_the_ranking_counts_it(bid_page, session, who):
    [ranked] = [row.bid for row in rank_round(session, ROUND).rows if row.bid.reference == BID]

    page = bid_page(who)

    summary = page[
        page.index('data-testid="score-summary"') : page.index("</table>", page.index("score-summary"))
    ]
    cells = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]*)</th>\s*<td[^>]*>\s*([^<\s]*)', summary
    )
    assert cells == [
        ("Value for money", score(ranked.criteria["value_for_money"].score)),
        ("Innovation", score(ranked.criteria["innovation"].score)),
        ("Collaboration", score(ranked.criteria["collaboration"].score)),
        ("Deliverability", score(ranked.criteria["deliverability"].score)),
        ("Transferability", score(ranked.criteria["transferability"].score)),
        ("Weighted score (out of 100)", ratio(ranked.weighted_score)),
    ]
    assert ranked.criteria["value_for_money"].moderated
    assert summary.count(">Moderated</strong>") == 1
    assert summary.index(">Moderated</strong>") < summary.index("Innovation")


@pytest.mark.parametrize("who", ["lead", "panel"])
def test_the_history_is_folded_away(bid_page, who):
    page = bid_page(who)

    details = re.search(r'<details class="govuk-details"[^>]*>', page).group(0)
    assert 'id="history"' in details and " open" not in details
    assert page.index(details) < page.index('data-testid="history"')


def test_an_assessor_sees_no_score_but_their_own(bid_page):
    page = bid_page("assessor")

    assert "score-summary" not in page and 'id="history"' not in page
    assert OTHER_ASSESSOR not in page and "Moderated" not in page
    assert "Score this bid" in page


@pytest.mark.parametrize("who", ["council", "admin"])
def test_councils_and_admins_never_see_a_score(bid_page, who):
    page = bid_page(who)

    assert "score-summary" not in page and 'id="history"' not in page
    assert OTHER_ASSESSOR not in page and "Weighted score" not in page
