"""A panel member in the browser finds the ranking from the round, reads it and tries another pot."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD, email_of
from tests.e2e.conftest import csp_violations, sign_in_in_browser


def funding_line_above(page) -> str:
    """The reference of the bid in the row just below the funding line."""
    return page.locator("[data-testid=funding-line] + tr td:nth-child(2)").inner_text()


def test_the_panel_reads_the_ranking_and_redraws_the_funding_line_at_another_pot(
    page, console, scored, people
):
    page.goto("/rounds/tca-2013")
    sign_in_in_browser(page, email_of("panel"), PASSWORD)
    page.get_by_role("link", name="Ranking", exact=True).click()
    expect(page.get_by_role("heading", name="Ranking", level=1)).to_be_visible()
    expect(page.get_by_test_id("ranked-bid")).to_have_count(18)
    assert funding_line_above(page) == "COR-06"

    # The wide table scrolls inside its own box; the page itself never scrolls sideways.
    widths = page.evaluate(
        """() => {
            const box = document.querySelector('.bidtool-scroll');
            return [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                    box.scrollWidth, box.clientWidth];
        }"""
    )
    assert widths[0] <= widths[1] and widths[2] > widths[3], widths
    # The funding figures come before the criterion scores, so they are seen without scrolling.
    funding = page.get_by_role("columnheader", name="Funding")
    assert funding.bounding_box()["x"] + funding.bounding_box()["width"] <= widths[1]

    page.get_by_label("What-if pot").fill("2,000,000")
    page.get_by_role("button", name="Redraw the ranking").click()
    expect(page).to_have_url(re.compile(r"/rounds/tca-2013/rankings\?pot=2%2C000%2C000(&weight-[a-z_]+=)*$"))
    expect(page.get_by_test_id("what-if")).to_contain_text("the round's pot stays £6,900,000")
    assert funding_line_above(page) == "WOR-18"
    # And with value for money weighted far above the rest, on top of the what-if pot.
    page.get_by_text("What-if weights").click()
    page.get_by_label("Weight of Value for money").fill("1000")
    page.get_by_role("button", name="Redraw the ranking").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("and the weights different?")
    expect(page.get_by_test_id("what-if")).to_contain_text("Value for money 1000, Innovation 20")
    page.get_by_role(
        "link", name="Show the ranking at the round's pot of £6,900,000 and the scheme's weights"
    ).click()
    expect(page.get_by_test_id("what-if")).to_have_count(0)
    assert funding_line_above(page) == "COR-06"
    assert csp_violations(console) == []
