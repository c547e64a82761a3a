"""A council user in the browser sees their own organisation's bids only, and signing out ends it all."""

import re

from playwright.sync_api import expect

from bidtool.core.bid import Bid
from bidtool.services import EVERYONE
from bidtool.services.bids import create_bid
from tests.conftest import ORGANISATION, OTHER_ORGANISATION, PASSWORD, email_of
from tests.e2e.conftest import csp_violations, sign_in_in_browser

ROUND = "/rounds/tca-2013"


def test_a_council_user_cannot_reach_another_councils_bid_and_signing_out_ends_the_session(
    page, console, demo, session, people
):
    create_bid(
        session, EVERYONE, "tca-2013", Bid(reference="ANY-01", title="Ours", lead_organisation=ORGANISATION)
    )
    create_bid(
        session,
        EVERYONE,
        "tca-2013",
        Bid(reference="SHI-01", title="Theirs", lead_organisation=OTHER_ORGANISATION),
    )

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2F$"))
    sign_in_in_browser(page, email_of("council"), PASSWORD)
    expect(page.get_by_role("heading", name="Rounds", level=1)).to_be_visible()
    expect(page.get_by_text(f"{email_of('council')} (Council user)")).to_be_visible()

    # Another council's bid, and a demo bid of a third, by an address typed or guessed.
    for guessed in ("SHI-01", "SWI-17"):
        response = page.goto(f"{ROUND}/bids/{guessed}")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
        expect(page.get_by_text("Theirs")).to_have_count(0)
        assert page.title() == "Not Found – bidtool"

    page.goto(ROUND)
    bids = page.get_by_test_id("bid-list")
    expect(bids.get_by_role("link", name="ANY-01", exact=True)).to_be_visible()
    expect(bids.get_by_role("row")).to_have_count(3)  # the heading, ANY-01 and the total
    for hidden in ("SHI-01", "SWI-17", OTHER_ORGANISATION, "Swindon"):
        expect(page.get_by_text(hidden)).to_have_count(0)
    page.get_by_label("Search reference, title or lead").fill("SHI")
    page.get_by_role("button", name="Filter bids").click()
    expect(page.get_by_text("No bids match.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_text("You have signed out")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # Going back, or to any page again, asks for sign-in rather than showing what was there.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_text("ANY-01")).to_have_count(0)
    page.goto(f"{ROUND}/bids/ANY-01")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Frounds%2Ftca-2013%2Fbids%2FANY-01$"))

    assert csp_violations(console) == []
