"""Every route, requested as every kind of person, answers as DOMAIN 6 says it should.

A route without an entry here makes the first test fail: access must be decided, not assumed.
"""

import pytest

from bidtool.core.bid import Bid
from bidtool.models import AssignmentRow
from bidtool.services import EVERYONE
from bidtool.services.bids import create_bid
from tests.conftest import ORGANISATION, PEOPLE

ROUND = "tca-2013"
DRAFT = "ANY-01"  # a draft of ORGANISATION's, assigned to the assessor
WHO = ("anonymous", *PEOPLE)
SIGNED_IN = tuple(PEOPLE)
WRITERS = ("council", "other_council")
NO_JOB = "0123456789abcdef"  # no panel pack is printing under this name


def answers(default: int, anonymous: int = 302, **exceptions: int) -> dict[str, int]:
    """Statuses by person: `default` for every signed-in person unless named, and the anonymous one."""
    statuses = {who: default for who in SIGNED_IN} | {"anonymous": anonymous}
    return statuses | exceptions


def only(statuses: dict[str, int], others: int = 403) -> dict[str, int]:
    """These people get these statuses; every other signed-in person is refused."""
    return answers(others) | statuses


# The draft can be read by its organisation and by everyone who reads all bids or is assigned it;
# another council is told it does not exist.
READ_DRAFT = answers(200, other_council=404)
# Only a council user may change bids, and only their own organisation's.
WRITE_DRAFT = only({"council": 200, "other_council": 404})
# Scores and rankings are for the lead assessor and the panel: never councils, nor assessors.
READ_ASSESSMENTS = only({"lead": 200, "panel": 200})

ROUTES = {
    "rounds.index": ("GET", "/", answers(200)),
    "rounds.new": ("GET", "/rounds/new", only({"admin": 200})),
    "rounds.show": ("GET", f"/rounds/{ROUND}", answers(200)),
    "rounds.edit": ("GET", f"/rounds/{ROUND}/edit", only({"admin": 200})),
    "bids.new": ("GET", f"/rounds/{ROUND}/bids/new", only(dict.fromkeys(WRITERS, 200))),
    "bids.show": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}", READ_DRAFT),
    "bids.about": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/about", WRITE_DRAFT),
    "bids.partners": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/partners", WRITE_DRAFT),
    "bids.finance": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/finance", WRITE_DRAFT),
    "bids.lines": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/lines", WRITE_DRAFT),
    "bids.outcomes": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/outcomes", WRITE_DRAFT),
    "bids.narrative": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/narrative", WRITE_DRAFT),
    "bids.check_answers": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/check-answers", READ_DRAFT),
    "bids.self_check": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/self-check", READ_DRAFT),
    # The draft has check errors, so its owner is sent to the self-check rather than submitting.
    "bids.submit": (
        "POST",
        f"/rounds/{ROUND}/bids/{DRAFT}/submit",
        only({"council": 302, "other_council": 404}),
    ),
    # Sheets and packs carry every assessor's scores: the lead assessor and the panel only.
    # A draft has no sheet, so a submitted bid's is asked for.
    "prints.sheet": ("GET", f"/rounds/{ROUND}/bids/BMS-01/sheet.pdf", only({"lead": 200, "panel": 200})),
    # The panel pack: printing one is tested in test_print_downloads; here nothing is printed.
    "prints.pack": ("POST", "/rounds/no-such-round/pack", only({"lead": 404, "panel": 404})),
    "prints.pack_job": ("GET", f"/rounds/{ROUND}/pack/0123456789abcdef", only({"lead": 404, "panel": 404})),
    "prints.pack_file": (
        "GET",
        f"/rounds/{ROUND}/pack/0123456789abcdef.pdf",
        only({"lead": 404, "panel": 404}),
    ),
    # The self-check report has no scores: whoever reads the bid may print it.
    "prints.self_check": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/self-check.pdf", READ_DRAFT),
    "files.upload": (
        "GET",
        f"/rounds/{ROUND}/upload",
        only({"council": 200, "other_council": 200, "admin": 200}),
    ),
    "files.export": ("GET", f"/rounds/{ROUND}/export", answers(200)),
    "files.download": ("GET", f"/rounds/{ROUND}/export.json", answers(200)),
    "files.template": ("GET", "/bids-template.xlsx", answers(200)),
    "rankings.show": ("GET", f"/rounds/{ROUND}/rankings", READ_ASSESSMENTS),
    "rankings.download": ("GET", f"/rounds/{ROUND}/rankings.csv?pot=1000", READ_ASSESSMENTS),
    # The round's ranking settings (calibrated scores, the draws' concentration): the lead assessor's.
    "rankings.settings": ("GET", f"/rounds/{ROUND}/rankings/settings", only({"lead": 200})),
    "auth.sign_in": ("GET", "/sign-in", answers(302, anonymous=200)),
    "auth.sign_out": ("POST", "/sign-out", answers(302)),
    "auth.change_password": ("GET", "/account/password", answers(200)),
    "admin.users": ("GET", "/admin/users", only({"admin": 200})),
    "admin.new_user": ("GET", "/admin/users/new", only({"admin": 200})),
    "admin.edit_user": ("GET", "/admin/users/{panel}", only({"admin": 200})),
    "admin.reset_password": ("GET", "/admin/users/{panel}/password", only({"admin": 200})),
    # Signing the panel member out everywhere: the admin is sent back to the user's page.
    "admin.sign_out_user": ("POST", "/admin/users/{panel}/sign-out", only({"admin": 302})),
    "assessment.mine": ("GET", "/assessments", only({"assessor": 200})),
    "assessment.assignments": ("GET", f"/rounds/{ROUND}/assessors", only({"lead": 200})),
    "assessment.propose": ("GET", f"/rounds/{ROUND}/assessors/propose?per_bid=1", only({"lead": 200})),
    # Nothing named to remove: the lead is told there is no such bid.
    "assessment.unassign": ("POST", f"/rounds/{ROUND}/assessors/remove", only({"lead": 404})),
    "assessment.interests": ("GET", f"/rounds/{ROUND}/interests", only({"assessor": 200, "lead": 200})),
    # Nothing named to withdraw: whoever may declare interests is told there is no such bid.
    "assessment.withdraw_interest": (
        "POST",
        f"/rounds/{ROUND}/interests/withdraw",
        only({"assessor": 404, "lead": 404}),
    ),
    # The assessor it is assigned to opens it (and is told a draft cannot be scored yet).
    "assessment.score": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/score", only({"assessor": 200})),
    "assessment.moderate": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/moderate", only({"lead": 200})),
    "assessment.complete": ("POST", f"/rounds/{ROUND}/bids/{DRAFT}/complete", only({"lead": 302})),
    # The confirmation page (it says why a draft cannot be completed).
    "assessment.confirm_complete": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/complete", only({"lead": 200})),
    # The lead too is refused here: the draft's assessment is not complete, so there is nothing to
    # reopen (reopening is tested in test_round_workflow_pages).
    "assessment.reopen": ("GET", f"/rounds/{ROUND}/bids/{DRAFT}/reopen", only({})),
    "assessment.scores_download": ("GET", f"/rounds/{ROUND}/scores.xlsx", only({"lead": 200, "panel": 200})),
    # The names conflicts of interest go by: the lead assessor and the admin keep them.
    "aliases.edit": ("GET", f"/rounds/{ROUND}/aliases", only({"lead": 200, "admin": 200})),
}


def test_every_route_has_an_entry_in_the_table(app):
    registered = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert registered == set(ROUTES)


@pytest.fixture
def draft(session, demo, people):
    bid = create_bid(
        session, EVERYONE, ROUND, Bid(reference=DRAFT, title="Shared office", lead_organisation=ORGANISATION)
    )
    session.add(AssignmentRow(bid_id=bid.id, assessor_id=people["assessor"]))
    session.commit()
    return bid


@pytest.mark.parametrize("who", WHO)
def test_each_route_answers_each_person_as_the_table_says(who, draft, people, sign_in, anonymous):
    client = anonymous if who == "anonymous" else sign_in(who)
    found, expected = {}, {}
    # Signing out ends the session, so it is asked last.
    for endpoint in sorted(ROUTES, key=lambda e: e == "auth.sign_out"):
        method, url, statuses = ROUTES[endpoint]
        found[endpoint] = client.open(url.format(panel=people["panel"]), method=method).status_code
        expected[endpoint] = statuses[who]
    assert found == expected


def test_anonymous_requests_are_sent_to_sign_in_and_come_back_after(anonymous, people, draft):
    response = anonymous.get(f"/rounds/{ROUND}/bids/{DRAFT}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in?next=%2Frounds%2F{ROUND}%2Fbids%2F{DRAFT}"


def test_the_table_matches_domain_six(draft, sign_in):
    """The roles of DOMAIN 6, checked on what each person can do to a draft of the council's."""
    may_change = {who for who in SIGNED_IN if ROUTES["bids.about"][2][who] == 200}
    may_read = {who for who in SIGNED_IN if ROUTES["bids.show"][2][who] == 200}
    may_manage = {who for who in SIGNED_IN if ROUTES["admin.users"][2][who] == 200}
    assert may_change == {"council"}  # council users edit their own organisation's bids only
    assert may_read == {"council", "assessor", "lead", "panel", "admin"}  # the assessor: as assigned
    assert may_manage == {"admin"}  # admins manage rounds, schemes and users
    assert ROUTES["rounds.new"][2]["admin"] == 200
    assert {who for who in SIGNED_IN if ROUTES["rounds.new"][2][who] == 200} == {"admin"}


def test_an_assessor_sees_only_the_bids_assigned_to_them(draft, sign_in):
    assessor = sign_in("assessor")
    assert assessor.get(f"/rounds/{ROUND}/bids/SWI-17").status_code == 404
    listed = assessor.get(f"/rounds/{ROUND}").get_data(as_text=True)
    assert DRAFT in listed and "SWI-17" not in listed
