"""Database tables. Money columns are *_pence integers; the core decides what they mean."""

# No `from __future__ import annotations` here: SQLModel reads the relationship annotations.

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Text, UniqueConstraint, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, Relationship, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def pence(*, nullable: bool = False):
    return Field(default=None if nullable else 0, sa_column=Column(BigInteger, nullable=nullable))


class SchemeRow(SQLModel, table=True):
    """A published assessment scheme, kept as its bidtool.scheme/1 document."""

    __tablename__ = "scheme"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=300)
    document: dict = Field(sa_column=Column(JSON, nullable=False))


class RoundRow(SQLModel, table=True):
    __tablename__ = "round"
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=300)
    scheme_id: int = Field(foreign_key="scheme.id")
    pot_pence: int = pence()
    deadline: datetime | None = None
    # Names that are the same organisation ("Swindon BC" and "Swindon Borough Council"), each
    # group a list of names, so that conflicts of interest are found whichever name is used.
    aliases: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Whether the lead assessor adopted the calibrated scores (each assessor's leniency taken
    # out) for the round's ranking, in place of the raw scores.
    calibrated: bool = False
    # How closely the robustness draws of the scheme's weights keep to them: the Dirichlet
    # distribution's concentration (its parameters are this times each weight's share).
    weight_concentration: int = 100
    created_at: datetime = Field(default_factory=utcnow)

    scheme: SchemeRow = Relationship()
    bids: list["BidRow"] = Relationship(back_populates="round")


class BidRow(SQLModel, table=True):
    __tablename__ = "bid"
    __table_args__ = (UniqueConstraint("round_id", "reference"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    reference: str = Field(max_length=40)
    title: str = Field(max_length=300)
    lead_organisation: str = Field(max_length=300, index=True)
    contact: str | None = Field(default=None, max_length=300)
    status: str = Field(default="draft", max_length=20)
    award_sought_pence: int = pence()
    savings_confidence: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    assessed_at: datetime | None = None  # the lead assessor marked its assessment complete

    round: "RoundRow" = Relationship(back_populates="bids")
    years: list["BidYearRow"] = Relationship(
        back_populates="bid",
        sa_relationship_kwargs={"order_by": "BidYearRow.year", "cascade": "all, delete-orphan"},
    )
    partners: list["PartnerRow"] = Relationship(
        back_populates="bid",
        sa_relationship_kwargs={"order_by": "PartnerRow.position", "cascade": "all, delete-orphan"},
    )
    answers: list["NarrativeRow"] = Relationship(
        back_populates="bid",
        sa_relationship_kwargs={"order_by": "NarrativeRow.key", "cascade": "all, delete-orphan"},
    )
    stated_totals: list["StatedTotalRow"] = Relationship(
        back_populates="bid",
        sa_relationship_kwargs={"order_by": "StatedTotalRow.position", "cascade": "all, delete-orphan"},
    )
    benefit_lines: list["BenefitLineRow"] = Relationship(
        back_populates="bid",
        sa_relationship_kwargs={"order_by": "BenefitLineRow.position", "cascade": "all, delete-orphan"},
    )
    cost_lines: list["CostLineRow"] = Relationship(
        back_populates="bid",
        sa_relationship_kwargs={"order_by": "CostLineRow.position", "cascade": "all, delete-orphan"},
    )
    outcome_lines: list["OutcomeLineRow"] = Relationship(
        back_populates="bid",
        sa_relationship_kwargs={"order_by": "OutcomeLineRow.position", "cascade": "all, delete-orphan"},
    )


class BidYearRow(SQLModel, table=True):
    __tablename__ = "bid_year"
    __table_args__ = (UniqueConstraint("bid_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    year: int
    award_costs_pence: int = pence()
    match_costs_pence: int = pence()
    recurring_costs_pence: int = pence()
    savings_pence: int = pence()
    savings_high_pence: int | None = pence(nullable=True)
    other_benefits_pence: int = pence()

    bid: "BidRow" = Relationship(back_populates="years")


class PartnerRow(SQLModel, table=True):
    __tablename__ = "partner"
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int
    name: str = Field(max_length=300)
    type: str = Field(max_length=20)

    bid: "BidRow" = Relationship(back_populates="partners")


class NarrativeRow(SQLModel, table=True):
    __tablename__ = "narrative_answer"
    __table_args__ = (UniqueConstraint("bid_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    key: str = Field(max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))

    bid: "BidRow" = Relationship(back_populates="answers")


class StatedTotalRow(SQLModel, table=True):
    __tablename__ = "stated_total"
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int
    figure: str = Field(max_length=20)
    amount_pence: int = pence()
    years: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source: str = Field(default="", max_length=300)

    bid: "BidRow" = Relationship(back_populates="stated_totals")


class BenefitLineRow(SQLModel, table=True):
    """A benefit of one year, its kind and the agency that gains it."""

    __tablename__ = "benefit_line"
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int
    year: int
    kind: str = Field(max_length=30)
    agency: str = Field(max_length=20)
    amount_pence: int = pence()
    confidence: int | None = None  # None: the bid's savings confidence applies
    description: str = Field(default="", max_length=300)

    bid: "BidRow" = Relationship(back_populates="benefit_lines")


class CostLineRow(SQLModel, table=True):
    """A cost of one year (match funding or recurring) and the agency that pays it."""

    __tablename__ = "cost_line"
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int
    year: int
    kind: str = Field(max_length=20)
    agency: str = Field(max_length=20)
    amount_pence: int = pence()
    description: str = Field(default="", max_length=300)

    bid: "BidRow" = Relationship(back_populates="cost_lines")


class OutcomeLineRow(SQLModel, table=True):
    """An outcome-based benefit over some years. Rates are kept in hundredths of a percent (basis
    points), exactly, as percentages with two decimal places are entered."""

    __tablename__ = "outcome_line"
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int
    description: str = Field(max_length=300)
    kind: str = Field(max_length=30)
    agency: str = Field(max_length=20)
    first_year: int
    last_year: int
    cohort: int
    engagement_rate_bp: int
    success_rate_bp: int
    deadweight_bp: int
    drop_off_bp: int = 0
    unit_cost_pence: int = pence()
    unit_cost_source: str = Field(max_length=300)
    confidence: int | None = None

    bid: "BidRow" = Relationship(back_populates="outcome_lines")


class UserRow(SQLModel, table=True):
    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-case
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)
    organisation: str | None = Field(default=None, max_length=300)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # Counted up to end every session of the user at once: each session holds the version it began with.
    session_version: int = 0


class SignInAttemptRow(SQLModel, table=True):
    """Failed sign-ins, counted to slow down password guessing (per account and per address)."""

    __tablename__ = "sign_in_attempt"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    address: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)


class AssignmentRow(SQLModel, table=True):
    """An assessor assigned to a bid."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("bid_id", "assessor_id"),)
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    assessor_id: int = Field(foreign_key="user_account.id", index=True)
    assigned_at: datetime = Field(default_factory=utcnow)


class ConflictRow(SQLModel, table=True):
    """An interest an assessor has declared in a bid (interests through their organisation are found)."""

    __tablename__ = "conflict"
    __table_args__ = (UniqueConstraint("bid_id", "assessor_id"),)
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    assessor_id: int = Field(foreign_key="user_account.id", index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    declared_at: datetime = Field(default_factory=utcnow)


class ScoreRow(SQLModel, table=True):
    """An assessor's score of one criterion of a bid, or the lead assessor's moderated score."""

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("bid_id", "criterion", "assessor_id", "moderated"),
        # One moderation per criterion of a bid, whichever lead assessor saves it.
        Index(
            "uq_score_moderation",
            "bid_id",
            "criterion",
            unique=True,
            sqlite_where=text("moderated"),
            postgresql_where=text("moderated"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(
        sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    criterion: str = Field(max_length=64)
    assessor_id: int = Field(foreign_key="user_account.id", index=True)
    moderated: bool = False
    score: int | None = None  # None: a draft with a justification but no score chosen yet
    justification: str = Field(sa_column=Column(Text, nullable=False))
    submitted: bool = False
    # Raised by every update; an update of a version someone else has raised in the meantime
    # updates nothing and fails, so that no save overwrites another, however close together.
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class HistoryRow(SQLModel, table=True):
    """One change to a round or to a bid's assessment, kept for good: who, when, old, new and why."""

    __tablename__ = "history"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(
        sa_column=Column(ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    bid_id: int | None = Field(  # None: a change to the round itself
        default=None, sa_column=Column(ForeignKey("bid.id", ondelete="CASCADE"), nullable=True, index=True)
    )
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")  # None: the command line
    kind: str = Field(max_length=20)  # score, moderation, status, assignment, conflict, round
    subject: str = Field(default="", max_length=300)
    old: str = Field(default="", max_length=300)
    new: str = Field(default="", max_length=300)
    justification: str = Field(default="", sa_column=Column(Text, nullable=False))
