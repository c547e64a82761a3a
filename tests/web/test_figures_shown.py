"""The pages, the prints' wording and `bidtool appraise` write the same figures the same way: one
rounding rule (half away from zero) and one wording of payback, value for money and discounting."""

import re

import pytest
from click.testing import CliRunner

from bidtool.cli import main
from bidtool.core.bid import Bid, BidYear
from bidtool.core.bidfile import bid_to_dict
from bidtool.files import dump_json
from bidtool.services import EVERYONE
from bidtool.services.bids import create_bid
from tests.conftest import ORGANISATION

ROUND = "tca-2013"
ROWS = (
    "Benefit-cost ratio",
    "Return on investment",
    "Value for money",
    "Payback year",
    "Savings per £1 of award",
)


def at_a_half() -> Bid:
    """£1,000 of costs and £2,345 of savings in one year: a BCR of exactly 2.345, an ROI of 1.345."""
    return Bid(
        reference="HLF-01",
        title="Figures at a half",
        lead_organisation=ORGANISATION,
        award_sought=100_000,
        savings_confidence=1,  # no optimism bias: the adjusted case is the prudent one
        years=(BidYear(2014, award_costs=100_000, savings=234_500),),
        narrative={"summary": "Figures at a half."},
    )


def page_rows(html: str) -> dict[str, list[str]]:
    """The appraisal table of the self-check page: label to its cells."""
    rows = {}
    for label in ROWS:
        row = re.search(rf">{re.escape(label)}</th>(.*?)</tr>", html, re.S).group(1)
        rows[label] = [" ".join(cell.split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return rows


def cli_rows(out: str) -> dict[str, list[str]]:
    """The table of `bidtool appraise`: label to its cells."""
    rows = {}
    for line in out.splitlines():
        label, *cells = re.split(r"\s{2,}", line.strip())
        if label in ROWS:
            rows[label] = cells
    return rows


@pytest.fixture
def appraised(demo, session, sign_in, tmp_path, database_url, monkeypatch):
    """The same bid as the self-check page shows it and as `bidtool appraise` prints it."""
    bid = at_a_half()
    create_bid(session, EVERYONE, ROUND, bid)
    page = sign_in("council").get(f"/rounds/{ROUND}/bids/{bid.reference}/self-check")
    assert page.status_code == 200
    path = tmp_path / "bid.json"
    path.write_text(dump_json(bid_to_dict(bid)))
    monkeypatch.setenv("BIDTOOL_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["appraise", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return page.get_data(as_text=True), result.stdout


def test_the_page_and_the_cli_round_a_ratio_at_a_half_away_from_zero_alike(appraised):
    html, out = appraised
    shown, printed = page_rows(html), cli_rows(out)
    assert shown["Benefit-cost ratio"] == printed["Benefit-cost ratio"] == ["2.35", "2.35"]
    assert shown["Return on investment"] == printed["Return on investment"] == ["1.35", "1.35"]


def test_the_page_and_the_cli_word_payback_and_value_for_money_alike(appraised):
    html, out = appraised
    shown, printed = page_rows(html), cli_rows(out)
    assert shown == printed
    assert shown["Payback year"] == ["2014/15", "2014/15"]
    assert shown["Value for money"] == ["High", "High"]


def test_the_self_check_names_the_discount_rates_the_bids_years_reach(demo, session, sign_in):
    savings = [BidYear(2014 + t, savings=10_000) for t in range(1, 41)]
    years = (BidYear(2014, award_costs=100_000), *savings)
    create_bid(
        session,
        EVERYONE,
        ROUND,
        Bid(
            reference="LNG-01",
            title="Forty years",
            lead_organisation=ORGANISATION,
            award_sought=100_000,
            years=years,
        ),
    )
    html = " ".join(
        sign_in("council").get(f"/rounds/{ROUND}/bids/LNG-01/self-check").get_data(as_text=True).split()
    )
    assert "discounted at the Green Book rate of 3.5% a year for years 1 to 30, then 3.0%:" in html
