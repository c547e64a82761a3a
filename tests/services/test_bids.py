"""Bids: drafts saved and read back, the self-check, submission, who may see what, and the round's list."""

import dataclasses
import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from bidtool import db
from bidtool.core.bid import (
    BenefitKind,
    BenefitLine,
    Bid,
    BidStatus,
    BidYear,
    CostKind,
    CostLine,
    OutcomeLine,
    Partner,
    PartnerType,
    Party,
    StatedTotal,
)
from bidtool.core.bidfile import parse_bid
from bidtool.models import (
    BenefitLineRow,
    BidRow,
    BidYearRow,
    CostLineRow,
    NarrativeRow,
    OutcomeLineRow,
    PartnerRow,
    StatedTotalRow,
    utcnow,
)
from bidtool.services import EVERYONE, NotFound, Refused, Scope
from bidtool.services.bids import (
    SORTS,
    BidFilter,
    bid_list,
    create_bid,
    get_bid,
    round_bids,
    save_bid,
    self_check,
    submit_bid,
    tasks,
    to_core,
)
from bidtool.services.rounds import NewRound, create_round, get_round
from bidtool.services.schemes import add_scheme_files
from tests.samples import SCHEMES, bid_data

ROUND = "tca-2026"
ANYTOWN = "Anytown Borough Council"
SHIRE = "Shire County Council"


@pytest.fixture
def round_row(session):
    add_scheme_files(session, SCHEMES)
    session.commit()
    return create_round(session, NewRound(ROUND, "TCA 2026", "tca", 690_000_000))


def clean_bid(**changes) -> Bid:
    """A bid that passes every check of the tca scheme."""
    return dataclasses.replace(parse_bid(bid_data()), **changes)


def stored(round_ref: str, bid_ref: str) -> Bid:
    """The bid as the database holds it, read in a session of its own."""
    with Session(db.engine()) as fresh:
        return to_core(get_bid(fresh, EVERYONE, round_ref, bid_ref))


def stored_row(round_ref: str, bid_ref: str) -> BidRow:
    with Session(db.engine()) as fresh:
        row = get_bid(fresh, EVERYONE, round_ref, bid_ref)
        fresh.expunge(row)
        return row


def count(table, **where) -> int:
    with Session(db.engine()) as fresh:
        query = select(table)
        for column, value in where.items():
            query = query.where(getattr(table, column) == value)
        return len(fresh.exec(query).all())


def close(session, round_row) -> None:
    round_row.deadline = utcnow() - timedelta(seconds=1)
    session.commit()


# Starting and saving drafts


def test_a_new_bid_is_started_as_a_draft_whatever_status_it_claims(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid(status=BidStatus.SUBMITTED))

    row = stored_row(ROUND, "HAND-01")
    assert row.status == "draft"
    assert row.submitted_at is None
    assert stored(ROUND, "HAND-01") == clean_bid()


def test_a_bid_whose_reference_the_round_already_has_is_refused(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())

    with pytest.raises(Refused, match="The round already has a bid with the reference 'HAND-01'"):
        create_bid(session, EVERYONE, ROUND, clean_bid(title="Another bid"))

    assert count(BidRow) == 1
    assert stored(ROUND, "HAND-01").title == "Shared back office"


def test_the_same_reference_may_be_used_in_another_round(session, round_row):
    create_round(session, NewRound("other", "Other round", "tca", 1))
    create_bid(session, EVERYONE, ROUND, clean_bid())
    create_bid(session, EVERYONE, "other", clean_bid(title="Elsewhere"))

    assert stored(ROUND, "HAND-01").title == "Shared back office"
    assert stored("other", "HAND-01").title == "Elsewhere"


def test_no_bid_can_be_started_in_a_round_whose_deadline_has_passed(session, round_row):
    close(session, round_row)

    with pytest.raises(Refused, match="deadline has passed, so no new bids can be started"):
        create_bid(session, EVERYONE, ROUND, clean_bid())
    assert count(BidRow) == 0


def test_no_bid_can_be_started_in_an_unknown_round(session, round_row):
    with pytest.raises(NotFound, match="There is no round 'nope'"):
        create_bid(session, EVERYONE, "nope", clean_bid())


def test_saving_a_draft_replaces_what_it_says(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())
    changed = clean_bid(title="Shared front office", award_sought=90_000_00, contact="Change team")

    save_bid(session, EVERYONE, ROUND, "HAND-01", changed)

    assert stored(ROUND, "HAND-01") == changed


def test_a_draft_can_take_a_new_reference(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())

    save_bid(session, EVERYONE, ROUND, "HAND-01", clean_bid(reference="HAND-02"))

    assert stored(ROUND, "HAND-02").reference == "HAND-02"
    with pytest.raises(NotFound):
        stored(ROUND, "HAND-01")


def test_renaming_a_draft_to_a_reference_already_taken_is_refused_and_changes_nothing(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())
    create_bid(session, EVERYONE, ROUND, clean_bid(reference="TAKEN-01"))

    with pytest.raises(Refused, match="already has a bid with the reference 'TAKEN-01'"):
        save_bid(session, EVERYONE, ROUND, "HAND-01", clean_bid(reference="TAKEN-01", title="Renamed"))

    assert stored(ROUND, "HAND-01") == clean_bid()
    assert stored(ROUND, "TAKEN-01") == clean_bid(reference="TAKEN-01")


def test_saving_a_submitted_bid_is_refused_and_changes_nothing(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())
    submit_bid(session, EVERYONE, ROUND, "HAND-01")

    with pytest.raises(Refused, match="This bid has been submitted, so it can no longer be changed"):
        save_bid(session, EVERYONE, ROUND, "HAND-01", clean_bid(title="Too late"))

    assert stored(ROUND, "HAND-01") == clean_bid(status=BidStatus.SUBMITTED)


def test_saving_a_draft_after_the_deadline_is_refused_and_changes_nothing(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())
    close(session, round_row)

    with pytest.raises(
        Refused, match="The round's deadline has passed, so this bid can no longer be changed"
    ):
        save_bid(session, EVERYONE, ROUND, "HAND-01", clean_bid(title="Too late"))

    assert stored(ROUND, "HAND-01") == clean_bid()


def test_saving_keeps_a_bid_a_draft_whatever_status_it_claims(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())

    save_bid(session, EVERYONE, ROUND, "HAND-01", clean_bid(status=BidStatus.SUBMITTED))

    assert stored_row(ROUND, "HAND-01").status == "draft"


# Reading back exactly what was written


COMPLEX = Bid(
    reference="CPLX-01",
    title="Blue-light hub – Ωmega 🚒",
    lead_organisation=ANYTOWN,
    contact="Transformation team",
    partners=(
        Partner("Zeta Fire and Rescue", PartnerType.FIRE),
        Partner(ANYTOWN, PartnerType.DISTRICT),
        Partner("Alpha Police", PartnerType.POLICE),
        Partner("Mid Health Trust", PartnerType.HEALTH),
    ),
    award_sought=250_000_00,
    savings_confidence=2,
    years=(
        BidYear(2016, recurring_costs=5_000_00, savings=120_000_00, savings_high=0),
        BidYear(2014, award_costs=200_000_00, match_costs=40_000_12),
        BidYear(2015, award_costs=50_000_00, savings=60_000_00, savings_high=90_000_00, other_benefits=1),
    ),
    narrative={
        "summary": "Line one.\nLine two, with <b>tags</b> & ampersands.",
        "innovation": "First in the county.",
        "legacy-question": "Kept from an older scheme.",
    },
    stated_totals=(
        StatedTotal("savings", 180_000_00, (2015, 2016), "table 3"),
        StatedTotal("costs", 295_000_12),
        StatedTotal("savings_high", 90_000_00, (2015,), ""),
    ),
)


def test_a_complex_bid_reads_back_from_the_database_exactly_as_written(session, round_row):
    create_bid(session, EVERYONE, ROUND, COMPLEX)

    assert stored(ROUND, "CPLX-01") == COMPLEX


def test_partners_keep_their_order_rather_than_an_alphabetical_one(session, round_row):
    create_bid(session, EVERYONE, ROUND, COMPLEX)

    assert [p.name for p in stored(ROUND, "CPLX-01").partners] == [
        "Zeta Fire and Rescue",
        ANYTOWN,
        "Alpha Police",
        "Mid Health Trust",
    ]


def test_a_blank_high_estimate_stays_blank_and_a_zero_one_stays_zero(session, round_row):
    create_bid(session, EVERYONE, ROUND, COMPLEX)

    with Session(db.engine()) as fresh:
        highs = dict(fresh.exec(select(BidYearRow.year, BidYearRow.savings_high_pence)).all())
    assert highs == {2014: None, 2015: 90_000_00, 2016: 0}
    assert [y.savings_high for y in stored(ROUND, "CPLX-01").years] == [None, 90_000_00, 0]


def test_a_second_save_replaces_the_years_partners_answers_and_totals_whole(session, round_row):
    create_bid(session, EVERYONE, ROUND, COMPLEX)
    # The same years again with new figures, one dropped and one added: the unique (bid, year)
    # constraint must hold while the old rows go and the new ones come.
    second = dataclasses.replace(
        COMPLEX,
        years=(
            BidYear(2015, award_costs=1),
            BidYear(2016, savings=2, savings_high=None),
            BidYear(2017, savings=3, savings_high=4),
        ),
        partners=(Partner("Alpha Police", PartnerType.POLICE),),
        narrative={"summary": "Shorter."},
        stated_totals=(),
    )

    save_bid(session, EVERYONE, ROUND, "CPLX-01", second)

    assert stored(ROUND, "CPLX-01") == second
    assert count(BidYearRow) == 3
    assert count(PartnerRow) == 1
    assert count(NarrativeRow) == 1
    assert count(StatedTotalRow) == 0


def test_saving_the_same_years_twice_keeps_one_row_per_year(session, round_row):
    create_bid(session, EVERYONE, ROUND, COMPLEX)

    save_bid(session, EVERYONE, ROUND, "CPLX-01", COMPLEX)
    save_bid(session, EVERYONE, ROUND, "CPLX-01", COMPLEX)

    assert stored(ROUND, "CPLX-01") == COMPLEX
    assert count(BidYearRow) == 3


OUTCOME = OutcomeLine(
    description="Adults back in work",
    kind=BenefitKind.FISCAL_CASHABLE,
    agency=Party.DWP,
    first_year=2015,
    last_year=2016,
    cohort=200,
    engagement_rate=Decimal("62.5"),
    success_rate=Decimal("40.25"),
    deadweight=Decimal("0.01"),
    unit_cost=9_000_00,
    unit_cost_source="A unit cost database, line 42",
    drop_off=Decimal(100),
    confidence=None,
)
WITH_LINES = dataclasses.replace(
    COMPLEX,
    benefit_lines=(
        BenefitLine(2016, BenefitKind.SOCIAL, Party.OTHER, 12_345_67, 6, "Wellbeing"),
        BenefitLine(2015, BenefitKind.FISCAL_NON_CASHABLE, Party.NHS, 1, None, ""),
    ),
    cost_lines=(
        CostLine(2014, CostKind.MATCH, Party.NHS, 40_000_00, "Seconded lead"),
        CostLine(2016, CostKind.RECURRING, Party.COUNCIL, 5_00, ""),
    ),
    outcome_lines=(OUTCOME, dataclasses.replace(OUTCOME, first_year=2014, confidence=1, drop_off=Decimal(0))),
)


def test_lines_read_back_from_the_database_exactly_as_written_in_their_order(session, round_row):
    create_bid(session, EVERYONE, ROUND, WITH_LINES)

    assert stored(ROUND, "CPLX-01") == WITH_LINES
    with Session(db.engine()) as fresh:
        rates = fresh.exec(select(OutcomeLineRow.engagement_rate_bp, OutcomeLineRow.deadweight_bp)).all()
    assert sorted(rates) == [(6250, 1), (6250, 1)]  # percentages kept exactly, in hundredths


def test_a_second_save_replaces_the_lines_whole(session, round_row):
    create_bid(session, EVERYONE, ROUND, WITH_LINES)
    second = dataclasses.replace(WITH_LINES, benefit_lines=WITH_LINES.benefit_lines[:1], outcome_lines=())

    save_bid(session, EVERYONE, ROUND, "CPLX-01", second)

    assert stored(ROUND, "CPLX-01") == second
    assert (count(BenefitLineRow), count(CostLineRow), count(OutcomeLineRow)) == (1, 2, 0)


def test_a_save_that_leaves_a_line_without_its_year_is_refused_and_changes_nothing(session, round_row):
    create_bid(session, EVERYONE, ROUND, WITH_LINES)
    without_2016 = dataclasses.replace(WITH_LINES, years=WITH_LINES.years[:2])  # 2014 and 2015 left

    with pytest.raises(Refused) as refused:
        save_bid(session, EVERYONE, ROUND, "CPLX-01", without_2016)

    assert str(refused.value) == (
        "The bid has no such year for the benefit line 'Wellbeing' of 2016/17; the cost line of 2016/17; "
        "the outcome 'Adults back in work' (2015/16 to 2016/17); "
        "the outcome 'Adults back in work' (2014/15 to 2016/17): "
        "add the year, or change or remove the line on Who pays and who gains or "
        "Outcome-based benefits first."
    )
    assert stored(ROUND, "CPLX-01") == WITH_LINES


# Submission and the self-check


def test_a_bid_with_errors_cannot_be_submitted_and_stays_a_draft(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid(partners=(), narrative={}))
    errors = self_check(get_bid(session, EVERYONE, ROUND, "HAND-01")).errors
    assert {f.code for f in errors} == {"no-partners", "missing-narrative"}

    with pytest.raises(Refused, match=f"cannot be submitted until {len(errors)} problems are put right"):
        submit_bid(session, EVERYONE, ROUND, "HAND-01")

    row = stored_row(ROUND, "HAND-01")
    assert (row.status, row.submitted_at) == ("draft", None)


def test_a_single_error_is_named_in_the_singular(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid(partners=()))

    with pytest.raises(Refused, match="until 1 problem is put right: see the self-check"):
        submit_bid(session, EVERYONE, ROUND, "HAND-01")


def test_a_clean_bid_is_submitted_with_the_moment_it_was_submitted(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())
    before = utcnow()

    submit_bid(session, EVERYONE, ROUND, "HAND-01")

    row = stored_row(ROUND, "HAND-01")
    assert row.status == "submitted"
    assert before <= row.submitted_at <= utcnow()
    assert self_check(get_bid(session, EVERYONE, ROUND, "HAND-01")).errors == []


def test_a_bid_cannot_be_submitted_twice(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())
    first = submit_bid(session, EVERYONE, ROUND, "HAND-01").submitted_at

    with pytest.raises(Refused, match="has been submitted"):
        submit_bid(session, EVERYONE, ROUND, "HAND-01")
    assert stored_row(ROUND, "HAND-01").submitted_at == first


def test_a_clean_draft_cannot_be_submitted_after_the_deadline(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())
    close(session, round_row)

    with pytest.raises(Refused, match="deadline has passed"):
        submit_bid(session, EVERYONE, ROUND, "HAND-01")
    assert stored_row(ROUND, "HAND-01").status == "draft"


def test_an_unknown_bid_is_not_found(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())

    with pytest.raises(NotFound, match="There is no bid 'NOPE-01' in round 'tca-2026'"):
        get_bid(session, EVERYONE, ROUND, "NOPE-01")
    with pytest.raises(NotFound):
        submit_bid(session, EVERYONE, ROUND, "NOPE-01")


def test_a_bid_is_not_found_through_another_round(session, round_row):
    create_round(session, NewRound("other", "Other round", "tca", 1))
    create_bid(session, EVERYONE, ROUND, clean_bid())

    with pytest.raises(NotFound):
        get_bid(session, EVERYONE, "other", "HAND-01")


# Who may see and change what


@pytest.fixture
def two_councils(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid(reference="ANY-01", lead_organisation=ANYTOWN))
    create_bid(session, EVERYONE, ROUND, clean_bid(reference="SHI-01", lead_organisation=SHIRE))
    return Scope(organisation=ANYTOWN)


def test_an_organisation_sees_its_own_bids(session, round_row, two_councils):
    assert get_bid(session, two_councils, ROUND, "ANY-01").lead_organisation == ANYTOWN
    assert [b.reference for b in round_bids(session, two_councils, round_row)] == ["ANY-01"]
    assert [b.reference for b in round_bids(session, EVERYONE, round_row)] == ["ANY-01", "SHI-01"]


def test_another_organisations_bid_is_not_found_as_if_it_did_not_exist(session, round_row, two_councils):
    with pytest.raises(NotFound, match="There is no bid 'SHI-01' in round 'tca-2026'"):
        get_bid(session, two_councils, ROUND, "SHI-01")


def test_another_organisations_bid_can_be_neither_saved_nor_submitted(session, round_row, two_councils):
    with pytest.raises(NotFound):
        save_bid(
            session, two_councils, ROUND, "SHI-01", clean_bid(reference="SHI-01", lead_organisation=ANYTOWN)
        )
    with pytest.raises(NotFound):
        submit_bid(session, two_councils, ROUND, "SHI-01")

    assert stored(ROUND, "SHI-01") == clean_bid(reference="SHI-01", lead_organisation=SHIRE)
    assert stored_row(ROUND, "SHI-01").status == "draft"


def test_an_organisation_cannot_start_a_bid_led_by_another(session, round_row, two_councils):
    with pytest.raises(Refused, match="only start bids led by your own organisation"):
        create_bid(session, two_councils, ROUND, clean_bid(reference="ANY-02", lead_organisation=SHIRE))
    assert count(BidRow) == 2


def test_an_organisation_cannot_hand_its_bid_to_another(session, round_row, two_councils):
    with pytest.raises(Refused, match="lead organisation must stay your own organisation"):
        save_bid(
            session, two_councils, ROUND, "ANY-01", clean_bid(reference="ANY-01", lead_organisation=SHIRE)
        )
    assert stored(ROUND, "ANY-01").lead_organisation == ANYTOWN


def test_an_organisations_bid_list_counts_only_its_own_bids(session, round_row, two_councils):
    listing = bid_list(session, two_councils, round_row, BidFilter())

    assert [b.reference for b in listing.bids] == ["ANY-01"]
    assert (listing.total_bids, listing.total_award) == (1, clean_bid().award_sought)


# The round's list of bids


@pytest.fixture
def demo_round(session, demo):
    """The demo round's 18 submitted bids and one draft of our own."""
    create_bid(session, EVERYONE, "tca-2013", clean_bid(reference="ANY-01", title="anytown draft"))
    return get_round(session, "tca-2013")


PRIMARY = {
    "reference": lambda b: b.reference,
    "title": lambda b: b.title.casefold(),
    "lead": lambda b: b.lead_organisation.casefold(),
    "partners": lambda b: b.partners,
    "award": lambda b: b.award_sought,
    "bcr": lambda b: b.bcr,
    "vfm": lambda b: b.vfm.order if b.vfm else None,
    "status": lambda b: b.status,
    "errors": lambda b: b.errors,
}


def comes_first(a, b, key: str, descending: bool) -> bool:
    """Whether `a` belongs before `b`: by the key either way, missing values last, then reference."""
    x, y = PRIMARY[key](a), PRIMARY[key](b)
    if x == y:
        return a.reference < b.reference
    if x is None or y is None:
        return y is None
    return x > y if descending else x < y


def test_every_sort_key_is_checked_here():
    assert set(SORTS) == set(PRIMARY)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("key", SORTS)
def test_the_bid_list_sorts_by_every_key_in_both_directions(session, demo_round, key, descending):
    listing = bid_list(session, EVERYONE, demo_round, BidFilter(sort=key, descending=descending))

    assert len(listing.bids) == 19
    pairs = zip(listing.bids, listing.bids[1:], strict=False)
    misplaced = [(a.reference, b.reference) for a, b in pairs if not comes_first(a, b, key, descending)]
    assert misplaced == []


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("key", ["bcr", "vfm"])
def test_bids_with_no_value_come_last_in_either_direction_in_reference_order(
    session, demo_round, key, descending
):
    listing = bid_list(session, EVERYONE, demo_round, BidFilter(sort=key, descending=descending))

    without = [b.reference for b in listing.bids if PRIMARY[key](b) is None]
    assert len(without) >= 1
    assert [b.reference for b in listing.bids[-len(without) :]] == sorted(without)
    assert all(PRIMARY[key](b) is not None for b in listing.bids[: -len(without)])


def test_descending_order_reverses_the_values_but_not_the_ties_or_the_missing_values(session, demo_round):
    for key in SORTS:
        up = bid_list(session, EVERYONE, demo_round, BidFilter(sort=key)).bids
        down = bid_list(session, EVERYONE, demo_round, BidFilter(sort=key, descending=True)).bids
        value = PRIMARY[key]
        # Runs of bids with the same value, in ascending order; each run is in reference order.
        runs = [list(run) for _, run in itertools.groupby(up, key=value)]
        present = [run for run in runs if value(run[0]) is not None]
        missing = [run for run in runs if value(run[0]) is None]
        expected = [b.reference for run in [*reversed(present), *missing] for b in run]
        assert [b.reference for b in down] == expected, key


def test_descending_order_is_not_simply_ascending_order_reversed(session, demo_round):
    """The demo round has bids with no BCR and bids that share a status, so the two rules differ."""
    for key in ("bcr", "status"):
        up = bid_list(session, EVERYONE, demo_round, BidFilter(sort=key)).bids
        down = bid_list(session, EVERYONE, demo_round, BidFilter(sort=key, descending=True)).bids
        assert [b.reference for b in down] != [b.reference for b in reversed(up)], key
    down_by_status = bid_list(session, EVERYONE, demo_round, BidFilter(sort="status", descending=True)).bids
    submitted = [b.reference for b in down_by_status if b.status == BidStatus.SUBMITTED.value]
    assert len(submitted) == 18
    assert submitted == sorted(submitted)


def test_an_unknown_sort_key_sorts_by_reference(session, demo_round):
    listing = bid_list(session, EVERYONE, demo_round, BidFilter(sort="password"))

    references = [b.reference for b in listing.bids]
    assert references == sorted(references)


def test_the_bid_list_filters_by_status(session, demo_round):
    drafts = bid_list(session, EVERYONE, demo_round, BidFilter(status="draft"))
    submitted = bid_list(session, EVERYONE, demo_round, BidFilter(status="submitted"))

    assert [b.reference for b in drafts.bids] == ["ANY-01"]
    assert len(submitted.bids) == 18
    assert {b.status for b in submitted.bids} == {"submitted"}


def test_the_bid_list_filters_by_value_for_money_category(session, demo_round):
    everything = bid_list(session, EVERYONE, demo_round, BidFilter()).bids
    very_high = bid_list(session, EVERYONE, demo_round, BidFilter(vfm="Very high")).bids
    unknown = bid_list(session, EVERYONE, demo_round, BidFilter(vfm="n/a")).bids

    assert very_high and {b.vfm.label for b in very_high} == {"Very high"}
    assert len(very_high) == sum(b.vfm is not None and b.vfm.label == "Very high" for b in everything)
    # The three demo bids that state no costs have no ratio, so no category.
    assert [b.reference for b in unknown] == ["BDP-03", "ERY-07", "SES-16"]
    assert all(b.bcr is None for b in unknown)


def test_the_bid_list_finds_text_in_reference_title_or_lead_ignoring_case(session, demo_round):
    def found(text: str) -> list[str]:
        return [b.reference for b in bid_list(session, EVERYONE, demo_round, BidFilter(text=text)).bids]

    assert found("  SWINDON ") == ["SWI-17"]
    assert found("kra-12") == ["KRA-12"]
    assert found("ANYTOWN DRAFT") == ["ANY-01"]
    assert found("Fire and Rescue") == ["COR-06", "LIN-09", "NFP-11", "SFP-15"]
    assert found("no such words") == []


def test_the_totals_count_every_bid_and_the_shown_total_only_those_shown(session, demo_round):
    listing = bid_list(session, EVERYONE, demo_round, BidFilter(text="swindon"))

    assert listing.total_bids == 19
    assert listing.total_award == 668_683_200 + clean_bid().award_sought
    assert listing.shown_award == 38_000_000


def test_the_demo_round_seeks_six_million_six_hundred_and_eighty_six_thousand_pounds(session, demo):
    listing = bid_list(session, EVERYONE, get_round(session, "tca-2013"), BidFilter())

    assert (listing.total_bids, listing.total_award, listing.shown_award) == (18, 668_683_200, 668_683_200)


# The task list


def task_statuses(session, bid_ref: str = "HAND-01") -> dict[str, str]:
    return {t.key: t.status for t in tasks(self_check(get_bid(session, EVERYONE, ROUND, bid_ref)))}


def test_a_bid_just_started_has_its_sections_not_yet_started(session, round_row):
    create_bid(session, EVERYONE, ROUND, Bid(reference="HAND-01", title="New", lead_organisation=ANYTOWN))

    assert task_statuses(session) == {
        "about": "Incomplete",
        "partners": "Not yet started",
        "finance": "Not yet started",
        "lines": "Optional",
        "outcomes": "Optional",
        "narrative": "Not yet started",
    }


def test_sections_half_done_are_incomplete(session, round_row):
    half = clean_bid(
        partners=(Partner(ANYTOWN.upper(), PartnerType.DISTRICT),),  # only the lead itself
        years=(BidYear(2014, award_costs=1),),  # does not add up to the award sought
        narrative={"summary": "Just the summary."},
    )
    create_bid(session, EVERYONE, ROUND, half)

    assert task_statuses(session) == {
        "about": "Completed",
        "partners": "Incomplete",
        "finance": "Incomplete",
        "lines": "Optional",
        "outcomes": "Optional",
        "narrative": "Incomplete",
    }


def test_a_complete_bid_has_every_section_completed_with_its_hints(session, round_row):
    create_bid(session, EVERYONE, ROUND, clean_bid())

    found = tasks(self_check(get_bid(session, EVERYONE, ROUND, "HAND-01")))
    assert [(t.key, t.status, t.hint) for t in found] == [
        ("about", "Completed", "Reference, title, lead and award"),
        ("partners", "Completed", "3 organisations"),
        ("finance", "Completed", "3 financial years"),
        ("lines", "Optional", "0 benefits, 0 costs"),
        ("outcomes", "Optional", "0 outcomes"),
        ("narrative", "Completed", "6 of 6 answered"),
    ]


def test_sections_that_say_who_pays_and_gains_are_completed_once_they_hold_a_line(session, round_row):
    years = (BidYear(2014, award_costs=100_000), BidYear(2015))
    lines = clean_bid(
        years=years,
        benefit_lines=(BenefitLine(2015, BenefitKind.SOCIAL, Party.NHS, 500),),
        outcome_lines=(OUTCOME,),
    )
    create_bid(session, EVERYONE, ROUND, lines)

    found = {
        t.key: (t.status, t.hint) for t in tasks(self_check(get_bid(session, EVERYONE, ROUND, "HAND-01")))
    }
    assert found["lines"] == ("Completed", "1 benefit, 0 costs")
    assert found["outcomes"] == ("Completed", "1 outcome")


def test_one_partner_and_one_year_are_named_in_the_singular(session, round_row):
    create_bid(
        session,
        EVERYONE,
        ROUND,
        clean_bid(partners=(Partner(SHIRE, PartnerType.COUNTY),), years=(BidYear(2014, award_costs=1),)),
    )

    hints = {t.key: t.hint for t in tasks(self_check(get_bid(session, EVERYONE, ROUND, "HAND-01")))}
    assert (hints["partners"], hints["finance"]) == ("1 organisation", "1 financial year")


def test_a_rounds_bids_are_read_whole_in_as_many_queries_however_many_bids(demo):
    statements = []

    def executed(*args):
        statements.append(args[2])

    with Session(db.engine()) as fresh:  # nothing of the round already in hand
        round_row = get_round(fresh, "tca-2013")
        event.listen(db.engine(), "before_cursor_execute", executed)
        try:
            read = [to_core(row) for row in round_bids(fresh, EVERYONE, round_row)]
        finally:
            event.remove(db.engine(), "before_cursor_execute", executed)
    assert len(read) == 18
    # The bids, then each of their parts (years, partners, answers, totals, three kinds of line).
    assert len(statements) <= 8
