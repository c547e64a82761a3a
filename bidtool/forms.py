"""Web forms: the shape and range of what people type, never the database."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import ClassVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import SubmitField
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from bidtool.core.access import Role
from bidtool.core.appraisal import CONFIDENCE_GRADES
from bidtool.core.bid import AGENCIES, LINE_COST_KINDS, BenefitKind, PartnerType
from bidtool.core.bidfile import MAX_COHORT, MAX_LINES, MAX_PARTNERS, MAX_YEARS
from bidtool.core.fields import (
    MAX_NARRATIVE,
    PERCENT_RULE,
    REFERENCE,
    REFERENCE_RULE,
    has_control_characters,
    parse_percent,
)
from bidtool.core.money import MoneyError, Pence, parse_pounds, to_pounds
from bidtool.core.organisations import MAX_ALIASES
from bidtool.core.scheme import Scheme
from bidtool.core.scorefile import MAX_JUSTIFICATION
from bidtool.core.wording import kind, party, plain_decimal
from bidtool.core.years import YearError, parse_year, year_label

CONFIDENCE_LABELS = {
    1: "1 – best evidence: audited baselines, benefits already realised elsewhere",
    2: "2 – strong evidence: a tested business case with local data",
    3: "3 – good evidence: a year-by-year model with sensitivity tests",
    4: "4 – fair evidence: projections with itemised components",
    5: "5 – weak evidence: a headline projection or target",
    6: "6 – weakest evidence: illustrative figures",
}
PARTNER_LABELS = {
    "district": "District council",
    "county": "County council",
    "unitary": "Unitary council",
    "metropolitan": "Metropolitan borough",
    "london_borough": "London borough",
    "fire": "Fire and rescue",
    "police": "Police",
    "health": "Health",
    "probation": "Probation",
    "voluntary": "Voluntary sector",
    "private": "Private sector",
    "other": "Other",
}
MAX_REPEAT_YEARS = 30


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def plain_text(form, field) -> None:
    """Refuse the control characters that bid files refuse too (tabs and line breaks are kept)."""
    if isinstance(field.data, str) and has_control_characters(field.data):
        raise ValidationError(
            f"{field.label.text.removesuffix(' (optional)')} contains a control character: remove it"
        )


def text_field(label: str, missing: str | None = None, limit: int = 300, **kwargs) -> StringField:
    """A one-line text field, trimmed of spaces; required when `missing` says what to ask for."""
    presence = DataRequired(missing) if missing else Optional()
    too_long = Length(
        max=limit, message=f"{label.removesuffix(' (optional)')} must be {limit:,} characters or fewer"
    )
    extra = kwargs.pop("validators", [])
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_strip],
        validators=[presence, too_long, plain_text, *extra],
        **kwargs,
    )


def reference_field(label: str, missing: str, example: str) -> StringField:
    # Regexp only matches at the start, so the whole reference is pinned down with \Z.
    rule = Regexp(rf"(?:{REFERENCE.pattern})\Z", message=f"{label} {REFERENCE_RULE}")
    return text_field(label, missing, limit=40, description=example, validators=[rule])


class TypedField(Field):
    """A value people type as text, read by one of the core's parsers; blank gives `blank`, and
    what was typed is shown again as typed."""

    widget = GovTextInput()

    def __init__(self, label: str = "", blank: object = None, **kwargs):
        super().__init__(label, **kwargs)
        self.blank = blank
        self.raw: str | None = None

    def parse(self, text: str) -> object:
        """Read typed text, or raise ValueError with a message that names the field."""
        raise NotImplementedError

    def show(self, value) -> str:
        """A stored value as people type it."""
        raise NotImplementedError

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = self.blank
        if self.raw:
            self.data = None
            self.data = self.parse(self.raw)

    def _value(self) -> str:
        if self.raw is not None:
            return self.raw
        return "" if self.data is None else self.show(self.data)


class MoneyField(TypedField):
    """An amount in pounds as people type it (£, commas), held as pence by the core's one parser."""

    MESSAGES: ClassVar[dict[str, str]] = {
        MoneyError.NOT_MONEY: "{label} must be an amount in pounds, like 1,500 or 1,500.50",
        MoneyError.TOO_LARGE: "{label} must be £1,000,000,000,000 or less",
        MoneyError.DECIMALS: "{label} must not have more than 2 decimal places",
    }

    def __init__(self, label: str = "", blank: Pence | None = 0, **kwargs):
        super().__init__(label, blank, **kwargs)

    def parse(self, text: str) -> Pence:
        try:
            pence = parse_pounds(text)
        except MoneyError as error:
            raise ValueError(self.MESSAGES[error.kind].format(label=self.label.text)) from None
        if pence < 0:
            raise ValueError(f"{self.label.text} must not be negative")
        return pence

    def show(self, value: Pence) -> str:
        return f"{to_pounds(value):,}".removesuffix(".00")


class YearField(StringField):
    """A financial year such as 2014/15, held as the calendar year it starts in."""

    widget = GovTextInput()
    raw: str | None = None

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        try:
            self.data = parse_year(self.raw)
        except YearError as error:
            self.data = None
            raise ValueError(str(error)) from None

    def _value(self) -> str:
        if self.raw is not None:
            return self.raw
        return "" if self.data is None else year_label(self.data)


class DayField(Field):
    """A GOV.UK date input (day, month and year boxes), optional as a whole but never in part."""

    widget = GovDateInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        # The widget unpacks exactly three parts when it shows the field again.
        self.raw_data = [part.strip() for part in [*valuelist, "", "", ""][:3]]
        self.data = None
        if not any(self.raw_data):
            return
        if not all(self.raw_data):
            raise ValueError(f"{self.label.text} must include a day, a month and a year")
        try:
            self.data = datetime.strptime(" ".join(self.raw_data), "%d %m %Y").date()
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026") from None

    def _value(self) -> str:
        return " ".join(self.raw_data or []) or (self.data.strftime("%d %m %Y") if self.data else "")


class RoundForm(FlaskForm):
    name = text_field("Name", "Enter the round's name")
    reference = reference_field(
        "Reference", "Enter a reference for the round", "Used in web addresses, like tca-2015"
    )
    scheme = SelectField(
        "Assessment scheme", widget=GovSelect(), validators=[InputRequired("Choose a scheme")]
    )
    pot = MoneyField("Pot", blank=None, validators=[InputRequired("Enter the money available in pounds")])
    deadline = DayField(
        "Deadline (optional)",
        description="Bids cannot be changed after the end of this day (UK time). For example, 27 3 2026",
    )
    submit = SubmitField("Create round", widget=GovSubmitInput())


class RoundChangeForm(FlaskForm):
    """A round's name, pot and deadline, with the rules of a new round."""

    name = RoundForm.name
    pot = RoundForm.pot
    deadline = RoundForm.deadline
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class AboutForm(FlaskForm):
    reference = reference_field(
        "Bid reference", "Enter a reference for the bid", "Unique in the round, like SWI-01"
    )
    title = text_field("Title", "Enter the bid's title")
    lead_organisation = text_field("Lead organisation", "Enter the lead organisation")
    contact = text_field(
        "Contact (optional)",
        description="A role or team rather than a person's details, for example Transformation team",
    )
    award_sought = MoneyField("Award sought", description="The total you are asking the fund for")
    savings_confidence = SelectField(
        "Confidence in the savings",
        widget=GovSelect(),
        description="How good the evidence for the savings is. Without a grade the weakest (6) is assumed.",
        choices=[("", "Not graded")] + [(str(g), CONFIDENCE_LABELS[g]) for g in CONFIDENCE_GRADES],
        validate_choice=True,
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class PartnerEntry(Form):
    name = text_field("Partner name")
    type = SelectField(
        "Type", widget=GovSelect(), choices=[(t.value, PARTNER_LABELS[t.value]) for t in PartnerType]
    )


def drop_removed(form: FlaskForm, rows: FieldList, pressed: Field | None = None) -> None:
    """Drop the row whose Remove button (`pressed`, by default the form's `remove`) was pressed
    before anything is checked: a row with a mistake in it can be removed without correcting it first."""
    value = (form.remove if pressed is None else pressed).data or ""
    if form.is_submitted() and value.isascii() and value.isdecimal() and int(value) < len(rows):
        rows.entries.pop(int(value))


def say_which(rows: FieldList, name: Callable[[int, Form], str]) -> None:
    """Every row of a list shares its labels: put which row (name(number, row)) into each message."""
    for number, entry in enumerate(rows, start=1):
        which = name(number, entry.form)
        for field in entry.form:
            label = field.label.text
            field.errors[:] = [e.replace(label, f"{label} in {which}", 1) for e in field.errors]


class PartnersForm(FlaskForm):
    partners = FieldList(FormField(PartnerEntry), min_entries=1)
    add = SubmitField("Add another partner", widget=GovSubmitInput())
    remove = StringField()  # the index of the partner whose Remove button was pressed
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        count = len(self.partners) + bool(self.add.data)
        if count > MAX_PARTNERS:
            self.form_errors.append(f"A bid can list at most {MAX_PARTNERS} partners")
            valid = False
        return valid


class YearEntry(Form):
    year = YearField("Financial year")
    award_costs = MoneyField("Award-funded costs")
    match_costs = MoneyField("Match-funded costs")
    recurring_costs = MoneyField("Recurring costs")
    savings = MoneyField("Savings (prudent)")
    savings_high = MoneyField("Savings (high estimate)", blank=None)
    other_benefits = MoneyField("Other benefits")


class FinanceForm(FlaskForm):
    years = FieldList(FormField(YearEntry), min_entries=0)
    add = SubmitField("Add a year", widget=GovSubmitInput())
    remove = StringField()  # the index of the year whose Remove button was pressed
    repeat_years = IntegerField(
        "Repeat the last year's savings for the next",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(1, MAX_REPEAT_YEARS, f"Enter a number of years from 1 to {MAX_REPEAT_YEARS}"),
        ],
    )
    repeat = SubmitField("Repeat savings", widget=GovSubmitInput())
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.repeat.data and self.repeat_years.data is None and not self.repeat_years.errors:
            self.repeat_years.errors.append("Enter how many years to repeat the savings for")
        count = (
            len(self.years) + bool(self.add.data) + ((self.repeat_years.data or 0) if self.repeat.data else 0)
        )
        if count > MAX_YEARS:
            self.form_errors.append(f"A bid can have at most {MAX_YEARS} financial years")
        seen: set[int] = set()
        for entry in self.years:
            year = entry.form.year
            if year.data is not None and year.data in seen:
                year.errors.append(f"{year_label(year.data)} is listed more than once")
            seen.add(year.data)
        say_which(self.years, lambda number, row: row.year.raw or f"year {number}")
        gather(self.years)
        return valid and not self.errors


def gather(rows: FieldList) -> None:
    """A list keeps its errors from before a form's own checks: gather them again."""
    rows.errors = [entry.errors for entry in rows] if any(e.errors for e in rows) else []


class PercentField(TypedField):
    """A percentage from 0 to 100, as people type it (60, 12.5 or 60%), read by the core's one parser."""

    def parse(self, text: str) -> Decimal:
        try:
            return parse_percent(text)
        except ValueError:
            raise ValueError(f"{self.label.text} {PERCENT_RULE}") from None

    def show(self, value: Decimal) -> str:
        return plain_decimal(value)


GRADE_CHOICES = [("", "The bid's grade")] + [(str(g), f"{g}") for g in CONFIDENCE_GRADES]
AGENCY_CHOICES = [(a.value, party(a)) for a in AGENCIES]
BENEFIT_KIND_CHOICES = [(k.value, kind(k)) for k in BenefitKind]


class CountField(IntegerField):
    """A whole number of things (people, say), with a message that names the field."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a whole number, like 200") from None


class BidYearField(SelectField):
    """One of the bid's own financial years, offered as a select of them."""

    widget = GovSelect()

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _ in self.choices}:
            years = ", ".join(label for _, label in self.choices)
            raise ValidationError(f"{self.label.text} must be one of the bid's years ({years})")


def _year_select(label: str, choices: list[tuple[str, str]]) -> SelectField:
    return BidYearField(label, choices=choices, validators=[InputRequired(f"Choose the {label.lower()}")])


def _lines_valid(form: FlaskForm, valid: bool, rows: dict[str, tuple[FieldList, Field, str]]) -> bool:
    """Start each problem with the line it is in ("Benefit 2: enter the amount in pounds"); refuse
    more lines than a bid may have."""
    for key, (lines, add, what) in rows.items():
        for number, entry in enumerate(lines, start=1):
            for field in entry.form:
                field.errors[:] = [f"{what} {number}: {e[:1].lower()}{e[1:]}" for e in field.errors]
        gather(lines)
        if len(lines) + bool(add.data) > MAX_LINES:
            form.form_errors.append(f"A bid can have at most {MAX_LINES} {key}")
    return valid and not form.errors


def lines_form(years: list[int], data: dict) -> FlaskForm:
    """The form of who pays and who gains: benefit lines and cost lines, each in one of the bid's years."""
    choices = [(str(y), year_label(y)) for y in years]

    class BenefitLineEntry(Form):
        year = _year_select("Year", choices)
        kind = SelectField("Kind of benefit", widget=GovSelect(), choices=BENEFIT_KIND_CHOICES)
        agency = SelectField("Who gains", widget=GovSelect(), choices=AGENCY_CHOICES)
        amount = MoneyField("Amount", blank=None, validators=[InputRequired("Enter the amount in pounds")])
        confidence = SelectField("Confidence grade", widget=GovSelect(), choices=GRADE_CHOICES)
        description = text_field("Description (optional)")

    class CostLineEntry(Form):
        year = _year_select("Year", choices)
        kind = SelectField(
            "Kind of cost", widget=GovSelect(), choices=[(k.value, kind(k)) for k in LINE_COST_KINDS]
        )
        agency = SelectField("Who pays", widget=GovSelect(), choices=AGENCY_CHOICES)
        amount = MoneyField("Amount", blank=None, validators=[InputRequired("Enter the amount in pounds")])
        description = text_field("Description (optional)")

    class LinesForm(FlaskForm):
        benefit_lines = FieldList(FormField(BenefitLineEntry), min_entries=0)
        cost_lines = FieldList(FormField(CostLineEntry), min_entries=0)
        add_benefit = SubmitField("Add a benefit", widget=GovSubmitInput())
        add_cost = SubmitField("Add a cost", widget=GovSubmitInput())
        remove_benefit = StringField()  # the index of the benefit whose Remove button was pressed
        remove_cost = StringField()
        submit = SubmitField("Save and continue", widget=GovSubmitInput())

        def validate(self, extra_validators=None) -> bool:
            valid = super().validate(extra_validators)
            return _lines_valid(
                self,
                valid,
                {
                    "benefit lines": (self.benefit_lines, self.add_benefit, "Benefit"),
                    "cost lines": (self.cost_lines, self.add_cost, "Cost"),
                },
            )

    return LinesForm(data=data)


def outcomes_form(years: list[int], data: dict) -> FlaskForm:
    """The form of outcome-based benefits: each over some of the bid's years."""
    choices = [(str(y), year_label(y)) for y in years]

    class OutcomeEntry(Form):
        description = text_field("What the outcome is", "Enter what the outcome is")
        kind = SelectField("Kind of benefit", widget=GovSelect(), choices=BENEFIT_KIND_CHOICES)
        agency = SelectField("Who gains", widget=GovSelect(), choices=AGENCY_CHOICES)
        first_year = _year_select("First year", choices)
        last_year = _year_select("Last year", choices)
        cohort = CountField(
            "Cohort",
            description="Number of people",
            validators=[
                InputRequired("Enter the cohort, a number of people"),
                NumberRange(0, MAX_COHORT, f"Enter a cohort from 0 to {MAX_COHORT:,} people"),
            ],
        )
        engagement_rate = PercentField(
            "Engagement rate", validators=[InputRequired("Enter the engagement rate, a percentage")]
        )
        success_rate = PercentField(
            "Success rate", validators=[InputRequired("Enter the success rate, a percentage")]
        )
        deadweight = PercentField(
            "Deadweight", validators=[InputRequired("Enter the deadweight, a percentage")]
        )
        drop_off = PercentField("Drop-off (optional)", blank=Decimal(0))
        unit_cost = MoneyField(
            "Unit cost", blank=None, validators=[InputRequired("Enter the unit cost in pounds")]
        )
        unit_cost_source = text_field("Source of the unit cost", "Enter where the unit cost comes from")
        confidence = SelectField("Confidence grade", widget=GovSelect(), choices=GRADE_CHOICES)

        def validate_last_year(self, field) -> None:
            if self.first_year.data and field.data and int(field.data) < int(self.first_year.data):
                raise ValidationError("Last year must not come before the first year")

    class OutcomesForm(FlaskForm):
        outcome_lines = FieldList(FormField(OutcomeEntry), min_entries=0)
        add_outcome = SubmitField("Add an outcome", widget=GovSubmitInput())
        remove_outcome = StringField()
        submit = SubmitField("Save and continue", widget=GovSubmitInput())

        def validate(self, extra_validators=None) -> bool:
            valid = super().validate(extra_validators)
            return _lines_valid(
                self, valid, {"outcome-based lines": (self.outcome_lines, self.add_outcome, "Outcome")}
            )

    return OutcomesForm(data=data)


def narrative_form(questions: list[tuple[str, str, str]], data: dict[str, str]) -> FlaskForm:
    """Build the narrative form: one answer per (key, question, guidance), summary first."""
    # The guidance is shown beside each answer by the template, not as the field's hint.

    class NarrativeForm(FlaskForm):
        submit = SubmitField("Save and continue", widget=GovSubmitInput())

    for key, question, _guidance in questions:
        field = StringField(
            question,
            widget=GovCharacterCount(),
            validators=[
                Length(
                    max=MAX_NARRATIVE, message=f"{question} must be {MAX_NARRATIVE:,} characters or fewer"
                ),
                plain_text,
            ],
            default=data.get(key, ""),
        )
        setattr(NarrativeForm, f"answer_{key}", field)
    return NarrativeForm()


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "Bid files",
        widget=GovFileInput(multiple=True),
        description="bidtool.bid/1 or /2 JSON, CSV or XLSX (the template's layout); up to 20 MB in all",
        validators=[InputRequired("Choose one or more files to upload")],
    )
    submit = SubmitField("Upload bids", widget=GovSubmitInput())


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


PASSWORD_RULES = (
    "At least 12 characters, not one of the most common passwords, not one character repeated and "
    "without the part of the email address before the @. A few unrelated words make a strong password."
)


class PasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )
    new = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=PASSWORD_RULES,
        validators=[InputRequired("Enter a new password"), Length(min=12, max=200)],
    )
    confirm = PasswordField(
        "Confirm the new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("new", "The new passwords do not match"),
        ],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


ROLE_CHOICES = [(role.value, role.label) for role in Role]


class NewUserForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter an email address"), Length(max=254)],
    )
    role = SelectField("Role", widget=GovSelect(), choices=ROLE_CHOICES)
    organisation = StringField(
        "Organisation",
        widget=GovTextInput(),
        description="Required for council users: the organisation whose bids they write, as it leads bids",
        validators=[Optional(), Length(max=300), plain_text],
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"{PASSWORD_RULES} Leave it empty for bidtool to make one and show it to you once.",
        validators=[Optional(), Length(max=200)],
    )
    submit = SubmitField("Reset the password", widget=GovSubmitInput())


class EditUserForm(FlaskForm):
    role = SelectField("Role", widget=GovSelect(), choices=ROLE_CHOICES)
    organisation = StringField(
        "Organisation", widget=GovTextInput(), validators=[Optional(), Length(max=300), plain_text]
    )
    active = SelectField(
        "Can sign in", widget=GovSelect(), choices=[("yes", "Yes"), ("no", "No: the account is disabled")]
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())


def scoring_form(
    scheme: Scheme,
    current: Mapping[str, tuple[int | None, str]],
    seen: Mapping[str, int],
    *,
    moderation: bool,
) -> FlaskForm:
    """One score (radios on the scheme's scale) and one justification per criterion, as they stand.

    `seen` (the stored versions) travels with the page, so that a save from a stale page is noticed.
    """
    word = "Moderated score" if moderation else "Score"

    class ScoringForm(FlaskForm):
        versions = HiddenField(default=json.dumps(dict(seen)))
        save = SubmitField("Save moderation" if moderation else "Save as draft", widget=GovSubmitInput())
        submit = SubmitField("Submit assessment", widget=GovSubmitInput())

    for c in scheme.criteria:
        score, why = current.get(c.id, (None, ""))
        radios = RadioField(
            f"{word} for {c.name}",
            choices=[(p, scheme.scale.labels.get(p, str(p))) for p in scheme.scale.points],
            coerce=int,
            validators=[Optional()],
            default=score,
        )
        justification = StringField(
            f"Justification for {c.name}",
            widget=GovCharacterCount(),
            validators=[
                Length(
                    max=MAX_JUSTIFICATION,
                    message=f"The justification for {c.name} must be {MAX_JUSTIFICATION:,} characters "
                    "or fewer",
                )
            ],
            default=why,
        )
        setattr(ScoringForm, f"{c.id}-score", radios)
        setattr(ScoringForm, f"{c.id}-justification", justification)
    return ScoringForm()


def seen_versions(form: FlaskForm) -> dict[str, int]:
    """The versions a scoring page was built from (nothing, if the field was tampered with)."""
    try:
        seen = json.loads(form.versions.data or "{}")
    except ValueError:
        return {}
    if not isinstance(seen, dict):
        return {}
    return {str(k): v for k, v in seen.items() if isinstance(v, int)}


def _reason(label: str, description: str, missing: str, too_long: str) -> StringField:
    """A reason someone gives for a change, of at most 2,000 characters (MAX_REASON of the services)."""
    return StringField(
        label,
        widget=GovCharacterCount(),
        description=description,
        validators=[
            DataRequired(missing),
            Length(max=2_000, message=f"{too_long} must be 2,000 characters or fewer"),
            plain_text,
        ],
    )


class InterestForm(FlaskForm):
    bid = SelectField("Bid", widget=GovSelect(), validate_choice=False)  # the page checks the choice
    reason = _reason(
        "Your interest in the bid",
        "For example: you work for a partner, you advised the bid, or a relative leads it.",
        "Enter your interest in the bid",
        "Your interest",
    )
    submit = SubmitField("Declare interest", widget=GovSubmitInput())


class AliasesForm(FlaskForm):
    aliases = StringField(
        "Names of one organisation, one organisation a line",
        widget=GovTextArea(),
        description="Separate the names with ' = ', for example: Swindon BC = Swindon Borough Council",
        filters=[lambda text: text or ""],
        validators=[
            Length(max=MAX_ALIASES, message=f"The aliases must be {MAX_ALIASES:,} characters or fewer")
        ],
    )
    submit = SubmitField("Save aliases", widget=GovSubmitInput())


class ReopenForm(FlaskForm):
    reason = _reason(
        "Why the assessment is reopened",
        "The history keeps it. For example: a score was entered against the wrong criterion.",
        "Enter why the assessment is reopened",
        "The reason",
    )
    submit = SubmitField("Reopen the assessment", widget=GovSubmitInput())


class AssignForm(FlaskForm):
    bids = SelectMultipleField("Bids", validators=[DataRequired("Select at least one bid")])
    assessors = SelectMultipleField(
        "Assessors", coerce=int, validators=[DataRequired("Select at least one assessor")]
    )
    submit = SubmitField("Assign", widget=GovSubmitInput())


class WhatIfForm(Form):
    """A pot to redraw a round's funding line with, sent in the address (a GET form, nothing saved)."""

    pot = MoneyField(
        "What-if pot",
        blank=None,
        description="In pounds, for example 2,000,000. The round's own pot does not change.",
    )


# The largest weight a what-if takes: weights are shares of their total, so any scale will do.
MAX_WEIGHT = Decimal(1_000_000)


class WeightField(Field):
    """A criterion's what-if weight as people type it: blank keeps the scheme's weight."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not self.raw:
            return
        name = self.label.text
        try:
            weight = Decimal(self.raw.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"{name} must be a number, like 30 or 12.5") from None
        if not weight.is_finite() or not 0 < weight <= MAX_WEIGHT:
            raise ValueError(f"{name} must be more than 0 and at most {MAX_WEIGHT:,}")
        if weight != weight.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
            raise ValueError(f"{name} must not have more than 2 decimal places")
        self.data = weight

    def _value(self) -> str:
        return getattr(self, "raw", None) or ""


def ranking_form(scheme: Scheme, args: Mapping[str, str]) -> Form:
    """What the ranking page is asked for in its address: a what-if pot and weights (nothing saved),
    and what the best portfolio maximises."""

    class RankingForm(WhatIfForm):
        best = RadioField(
            "The best portfolio funds the bids with the most",
            choices=[("score", "Total weighted score"), ("npv", "Total net present value (prudent case)")],
            default="score",
            validators=[Optional()],
        )
        one_per_lead = BooleanField("At most one bid per lead organisation")

    for c in scheme.criteria:
        setattr(
            RankingForm,
            f"weight-{c.id}",
            WeightField(f"Weight of {c.name}", description=f"The scheme's weight: {c.weight}"),
        )
    return RankingForm(args)


class WholeNumberField(IntegerField):
    """A whole number, refused by name when it is not one."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata([v.strip().replace(",", "") for v in valuelist])
        except ValueError:
            raise ValueError(f"{self.label.text} must be a whole number, like 2") from None


class ProposeForm(Form):
    """What the lead asks of an automatic assignment, sent in the address (nothing is assigned yet)."""

    per_bid = WholeNumberField(
        "Assessors per bid",
        validators=[
            InputRequired("Enter how many assessors each bid needs"),
            NumberRange(1, 10, "Assessors per bid must be a whole number from 1 to 10"),
        ],
    )
    min_load = WholeNumberField(
        "Fewest bids per assessor",
        validators=[
            InputRequired("Enter the fewest bids an assessor should take (0 for none)"),
            NumberRange(0, 10_000, "Fewest bids per assessor must be a whole number from 0 to 10,000"),
        ],
    )
    max_load = WholeNumberField(
        "Most bids per assessor",
        validators=[
            InputRequired("Enter the most bids an assessor may take"),
            NumberRange(1, 10_000, "Most bids per assessor must be a whole number from 1 to 10,000"),
        ],
    )


class SettingsForm(FlaskForm):
    """The round's settings for its decisions, changed by the lead assessor with a reason."""

    calibrated = RadioField(
        "Rank the round on",
        widget=GovRadioInput(),
        choices=[
            ("raw", "The assessors' own scores"),
            ("calibrated", "Calibrated scores: each assessor's leniency taken out"),
        ],
        validators=[InputRequired("Choose the scores the round is ranked on")],
    )
    concentration = WholeNumberField(
        "How closely the robustness draws keep to the scheme's weights",
        description="A whole number from 1 (weights drawn far from the scheme's) to 100,000 (all but "
        "the scheme's own). At 100 a weight of 30% varies by about 5 percentage points (one standard "
        "deviation).",
        validators=[
            InputRequired("Enter how closely the draws keep to the scheme's weights"),
            NumberRange(1, 100_000, "The concentration must be a whole number from 1 to 100,000"),
        ],
    )
    reason = _reason(
        "Why the change",
        "The round's history keeps it with the change, for the panel.",
        "Enter why the settings change",
        "The reason",
    )
