"""Web forms: the shape and range of what people type, never the database."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
)
from wtforms.fields import DateField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from bidtool.core.appraisal import CONFIDENCE_GRADES
from bidtool.core.bid import PartnerType
from bidtool.core.fields import MAX_NARRATIVE
from bidtool.core.money import MoneyError, Pence, parse_pounds, to_pounds
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


class MoneyField(Field):
    """An amount in pounds as people type it (£, commas), held as pence by the core's one parser."""

    widget = GovTextInput()

    def __init__(self, label: str = "", blank: Pence | None = 0, **kwargs):
        super().__init__(label, **kwargs)
        self.blank = blank
        self.raw: str | None = None

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        if not self.raw:
            self.data = self.blank
            return
        try:
            self.data = parse_pounds(self.raw)
        except MoneyError as error:
            self.data = None
            raise ValueError(f"{self.label.text} {error}".replace(f"{self.raw!r} ", "")) from None
        if self.data < 0:
            raise ValueError(f"{self.label.text} must not be negative")

    def _value(self) -> str:
        if self.raw is not None:
            return self.raw
        return "" if self.data is None else f"{to_pounds(self.data):,}".removesuffix(".00")


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


class RoundForm(FlaskForm):
    name = StringField(
        "Name", widget=GovTextInput(), validators=[InputRequired("Enter the round's name"), Length(max=300)]
    )
    reference = StringField(
        "Reference",
        widget=GovTextInput(),
        description="Short, unique and used in web addresses, for example tca-2015",
        validators=[InputRequired("Enter a reference for the round"), Length(max=40)],
    )
    scheme = SelectField(
        "Assessment scheme", widget=GovSelect(), validators=[InputRequired("Choose a scheme")]
    )
    pot = MoneyField("Pot", blank=None, validators=[InputRequired("Enter the money available in pounds")])
    deadline = DateField(
        "Deadline (optional)",
        widget=GovDateInput(),
        description="Bids cannot be changed after the end of this day (UK time). For example, 27 3 2026",
        validators=[Optional()],
    )
    submit = SubmitField("Create round", widget=GovSubmitInput())


class AboutForm(FlaskForm):
    reference = StringField(
        "Bid reference",
        widget=GovTextInput(),
        description="Unique within the round, for example SWI-01",
        validators=[InputRequired("Enter a reference for the bid"), Length(max=40)],
    )
    title = StringField(
        "Title", widget=GovTextInput(), validators=[InputRequired("Enter the bid's title"), Length(max=300)]
    )
    lead_organisation = StringField(
        "Lead organisation",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the lead organisation"), Length(max=300)],
    )
    contact = StringField(
        "Contact (optional)",
        widget=GovTextInput(),
        description="A role or team rather than a person's details, for example Transformation team",
        validators=[Optional(), Length(max=300)],
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
    name = StringField("Partner name", widget=GovTextInput(), validators=[Length(max=300)])
    type = SelectField(
        "Type",
        widget=GovSelect(),
        choices=[(t.value, PARTNER_LABELS[t.value]) for t in PartnerType],
    )


class PartnersForm(FlaskForm):
    partners = FieldList(FormField(PartnerEntry), min_entries=1, max_entries=200)
    add = SubmitField("Add another partner", widget=GovSubmitInput())
    remove = StringField()  # the index of the partner whose Remove button was pressed
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class YearEntry(Form):
    year = YearField("Financial year")
    award_costs = MoneyField("Award-funded costs")
    match_costs = MoneyField("Match-funded costs")
    recurring_costs = MoneyField("Recurring costs")
    savings = MoneyField("Savings (prudent)")
    savings_high = MoneyField("Savings (high estimate)", blank=None)
    other_benefits = MoneyField("Other benefits")


class FinanceForm(FlaskForm):
    years = FieldList(FormField(YearEntry), min_entries=0, max_entries=60)
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
            valid = False
        # Every year's fields share their labels; say which year each problem is in.
        for number, entry in enumerate(self.years, start=1):
            when = entry.form.year.raw or f"year {number}"
            for field in entry.form:
                name = field.label.text
                field.errors = [e.replace(name, f"{name} in {when}", 1) for e in field.errors]
        return valid

    def validate_years(self, field: FieldList) -> None:
        starts = [entry.form.year.data for entry in field if entry.form.year.data is not None]
        twice = sorted({year_label(y) for y in starts if starts.count(y) > 1})
        if twice:
            raise ValidationError(
                f"Each financial year can be listed once: {', '.join(twice)} is listed twice"
            )


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
                Length(max=MAX_NARRATIVE, message=f"{question} must be {MAX_NARRATIVE:,} characters or fewer")
            ],
            default=data.get(key, ""),
        )
        setattr(NarrativeForm, f"answer_{key}", field)
    return NarrativeForm()


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "Bid files",
        widget=GovFileInput(multiple=True),
        description="bidtool.bid/1 JSON, CSV or XLSX (the template's layout); up to 20 MB in all",
        validators=[InputRequired("Choose one or more files to upload")],
    )
    submit = SubmitField("Upload bids", widget=GovSubmitInput())
