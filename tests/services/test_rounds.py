"""Rounds: opening one with a scheme, a pot and a deadline, and whether its bids can still change."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bidtool import db
from bidtool.core.deadlines import end_of_day
from bidtool.models import HistoryRow, RoundRow, UserRow, utcnow
from bidtool.services import NotFound, Refused
from bidtool.services.assessment import Kind, history
from bidtool.services.rounds import (
    NewRound,
    RoundChange,
    change_round,
    create_round,
    get_round,
    is_open,
    list_rounds,
    scheme_of,
)
from bidtool.services.schemes import add_scheme_files
from tests.samples import SCHEMES


@pytest.fixture
def schemes(session) -> list[str]:
    added = add_scheme_files(session, SCHEMES)
    session.commit()
    return added


def stored_rounds() -> list[RoundRow]:
    with Session(db.engine()) as fresh:
        return list(fresh.exec(select(RoundRow)).all())


def test_the_shipped_schemes_are_stored_once(session, schemes):
    assert sorted(schemes) == ["fire-transformation-2015", "relative-baseline", "tca"]
    assert add_scheme_files(session, SCHEMES) == []


def test_a_round_is_created_with_its_scheme_pot_and_deadline(session, schemes):
    deadline = datetime(2026, 3, 27, 23, 0, tzinfo=UTC)
    create_round(session, NewRound("tca-2026", "TCA 2026", "tca", 500_000_000, deadline))

    with Session(db.engine()) as fresh:
        row = get_round(fresh, "tca-2026")
        assert (row.name, row.scheme.key, row.pot_pence) == ("TCA 2026", "tca", 500_000_000)
        assert row.deadline == deadline
        assert row.deadline.utcoffset() == timedelta(0)
        assert scheme_of(row).id == "tca"


def test_a_deadline_given_in_uk_summer_time_is_kept_as_the_same_moment(session, schemes):
    midnight_in_london = datetime(2026, 7, 1, 0, 0, tzinfo=ZoneInfo("Europe/London"))
    create_round(session, NewRound("summer", "Summer round", "tca", 1, midnight_in_london))

    with Session(db.engine()) as fresh:
        assert get_round(fresh, "summer").deadline == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)


def test_a_second_round_with_the_same_reference_is_refused(session, schemes):
    create_round(session, NewRound("tca-2026", "TCA 2026", "tca", 1))

    with pytest.raises(Refused, match="There is already a round with the reference 'tca-2026'"):
        create_round(session, NewRound("tca-2026", "Another name", "relative-baseline", 2))

    assert [(r.reference, r.name) for r in stored_rounds()] == [("tca-2026", "TCA 2026")]


def test_a_round_of_an_unknown_scheme_is_not_found_and_not_created(session, schemes):
    with pytest.raises(NotFound, match="There is no scheme 'no-such-scheme'"):
        create_round(session, NewRound("tca-2026", "TCA 2026", "no-such-scheme", 1))

    assert stored_rounds() == []


def test_an_unknown_round_is_not_found(session, schemes):
    with pytest.raises(NotFound, match="There is no round 'nope'"):
        get_round(session, "nope")


def test_rounds_are_listed_newest_first(session, schemes):
    for reference in ("first", "second", "third"):
        create_round(session, NewRound(reference, reference.title(), "tca", 1))

    assert [r.reference for r in list_rounds(session)] == ["third", "second", "first"]


def test_a_round_without_a_deadline_is_open(session, schemes):
    assert is_open(create_round(session, NewRound("open", "Open", "tca", 1)))


def test_a_round_is_open_until_its_deadline(session, schemes):
    create_round(session, NewRound("soon", "Soon", "tca", 1, utcnow() + timedelta(hours=1)))

    with Session(db.engine()) as fresh:
        assert is_open(get_round(fresh, "soon"))


def test_a_round_whose_deadline_has_passed_is_closed(session, schemes):
    create_round(session, NewRound("past", "Past", "tca", 1, utcnow() - timedelta(seconds=1)))

    with Session(db.engine()) as fresh:
        assert not is_open(get_round(fresh, "past"))


def test_a_deadline_read_back_from_the_database_is_timezone_aware(session, schemes):
    create_round(session, NewRound("aware", "Aware", "tca", 1, datetime(2030, 1, 1, tzinfo=UTC)))

    with Session(db.engine()) as fresh:
        row = get_round(fresh, "aware")
        assert row.deadline.tzinfo is not None
        assert row.created_at.tzinfo is not None
        assert row.created_at <= utcnow()


UK = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("day", "stored"),
    [
        (date(2027, 3, 31), datetime(2027, 3, 31, 22, 59, 59, tzinfo=UTC)),  # British Summer Time
        (date(2027, 1, 27), datetime(2027, 1, 27, 23, 59, 59, tzinfo=UTC)),  # GMT
    ],
    ids=["summer", "winter"],
)
def test_a_round_is_open_all_of_its_deadline_day_and_closes_at_midnight_uk_time(
    session, schemes, day, stored
):
    create_round(session, NewRound("edge", "Edge", "tca", 1, end_of_day(day)))

    with Session(db.engine()) as fresh:
        row = get_round(fresh, "edge")
        assert row.deadline == stored
        midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), UK)
        assert is_open(row, now=midnight - timedelta(hours=12))
        assert is_open(row, now=midnight - timedelta(seconds=1))
        assert is_open(row, now=midnight - timedelta(microseconds=1))
        assert not is_open(row, now=midnight)
        assert not is_open(row, now=midnight + timedelta(microseconds=1))


@pytest.fixture
def admin_id(session) -> int:
    user = UserRow(email="admin@tests.bidtool.test", password_hash="-", role="admin")
    session.add(user)
    session.commit()
    return user.id


def round_entries() -> list[tuple]:
    with Session(db.engine()) as fresh:
        rows = fresh.exec(select(HistoryRow).order_by(HistoryRow.id))
        return [(h.bid_id, h.kind, h.subject, h.old, h.new) for h in rows]


def test_changing_a_round_keeps_each_change_in_its_history_as_people_read_it(session, schemes, admin_id):
    create_round(session, NewRound("tca-2027", "TCA 2027", "tca", 500_000_000))

    changed = change_round(
        session, admin_id, "tca-2027", RoundChange("TCA 2027/28", 612_345_650, end_of_day(date(2027, 3, 31)))
    )

    assert changed == ["Name", "Pot", "Deadline"]
    assert round_entries() == [
        (None, "round", "Name", "TCA 2027", "TCA 2027/28"),
        (None, "round", "Pot", "£5,000,000", "£6,123,456.50"),
        (None, "round", "Deadline", "None set", "11:59pm on 31 March 2027"),
    ]
    with Session(db.engine()) as fresh:
        row = get_round(fresh, "tca-2027")
        assert (row.name, row.pot_pence, row.deadline) == (
            "TCA 2027/28",
            612_345_650,
            datetime(2027, 3, 31, 22, 59, 59, tzinfo=UTC),
        )
        events = history(fresh, row, only_round=True)
        assert [(e.kind, e.bid, e.subject, e.actor) for e in events] == [
            (Kind.ROUND, "", subject, "admin@tests.bidtool.test") for subject in changed
        ]
        assert history(fresh, row) == events


def test_a_round_change_that_changes_nothing_writes_no_history(session, schemes, admin_id):
    deadline = end_of_day(date(2027, 3, 31))
    create_round(session, NewRound("same", "Same", "tca", 100, deadline))

    assert change_round(session, admin_id, "same", RoundChange("Same", 100, deadline)) == []
    assert change_round(session, admin_id, "same", RoundChange("Same", 100, None)) == ["Deadline"]
    assert round_entries() == [(None, "round", "Deadline", "11:59pm on 31 March 2027", "None set")]


def test_changing_an_unknown_round_is_not_found(session, schemes, admin_id):
    with pytest.raises(NotFound, match="There is no round 'nope'"):
        change_round(session, admin_id, "nope", RoundChange("Nope", 1, None))
