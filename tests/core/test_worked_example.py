"""The README's worked example, `fixtures/examples/early-help.json` under the scheme
`fixtures/examples/local-partnership.yaml`: every figure the README gives, worked out here again
by hand in exact fractions, and as bidtool appraises it.

Most amounts are multiples of 1.035 (year 1) and 1.035**2 (year 2) of round sums, so that their
present values are those sums: £82,800 in 2016/17 is £80,000 today, £85,698 in 2017/18 too.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
import yaml

from bidtool.core.bid import BenefitKind, Party
from bidtool.core.bidfile import parse_bid
from bidtool.core.fields import strict_json
from bidtool.core.money import round_places
from bidtool.core.scheme import parse_scheme
from tests.samples import ROOT

EXAMPLES = ROOT / "fixtures" / "examples"
DF1, DF2 = 1 / Fraction("1.035"), 1 / Fraction("1.035") ** 2


def pence(pounds: Fraction) -> int:
    """Exact pounds to pence by the one rule (the figures here are all positive)."""
    return int(round_places(pounds * 100, 0))


@pytest.fixture(scope="module")
def appraisal():
    bid = parse_bid(strict_json((EXAMPLES / "early-help.json").read_text()))
    scheme = parse_scheme(yaml.safe_load((EXAMPLES / "local-partnership.yaml").read_text()))
    return scheme.appraise(bid)


# The outcomes: 200 people x 60% engaged x 40% succeeding x (1 - 20% deadweight) = 38.4 people.
PEOPLE = 200 * Fraction(60, 100) * Fraction(40, 100) * (1 - Fraction(20, 100))
BACK_IN_WORK = (PEOPLE * 9_000, PEOPLE * 9_000 * Fraction(3, 4))  # £345,600, then 25% less: £259,200
EARNINGS = (PEOPLE * 12_000, PEOPLE * 12_000 * Fraction(3, 4))  # £460,800, then £345,600

# Present values, as claimed (the prudent case).
FUND = 300_000 + 100_000 * DF1
COUNCIL = Fraction(120_000)  # £62,100 and £64,273.50 of coordinators
NHS_COST, NHS_GAIN = Fraction(50_000), Fraction(160_000)
POLICE = Fraction(80_000)
SOCIAL = Fraction(100_000)
DWP = BACK_IN_WORK[0] * DF1 + BACK_IN_WORK[1] * DF2
ECONOMIC = EARNINGS[0] * DF1 + EARNINGS[1] * DF2
COSTS = FUND + NHS_COST + COUNCIL
FISCAL = NHS_GAIN + POLICE + DWP
ALL = FISCAL + ECONOMIC + SOCIAL

# After optimism bias: grade 3 (NHS) 10%, grade 5 (police) 25%, grade 6 (social) 40%, the outcomes'
# grade 4 15%; one-off costs plus 10%, recurring costs plus 20%.
FUND_ADJ, NHS_COST_ADJ, COUNCIL_ADJ = (
    FUND * Fraction(11, 10),
    NHS_COST * Fraction(11, 10),
    COUNCIL * Fraction(6, 5),
)
NHS_ADJ, POLICE_ADJ, SOCIAL_ADJ = NHS_GAIN * Fraction(9, 10), POLICE * Fraction(3, 4), SOCIAL * Fraction(3, 5)
DWP_ADJ, ECONOMIC_ADJ = DWP * Fraction(85, 100), ECONOMIC * Fraction(85, 100)
COSTS_ADJ = FUND_ADJ + NHS_COST_ADJ + COUNCIL_ADJ
FISCAL_ADJ = NHS_ADJ + POLICE_ADJ + DWP_ADJ
ALL_ADJ = FISCAL_ADJ + ECONOMIC_ADJ + SOCIAL_ADJ


def test_the_outcomes_are_worth_what_the_readme_says_year_by_year(appraisal):
    assert [pence(v) for v in BACK_IN_WORK] == [345_600_00, 259_200_00]
    assert [pence(v) for v in EARNINGS] == [460_800_00, 345_600_00]
    assert [figures.values for figures in appraisal.outcomes] == [
        ((2016, 345_600_00), (2017, 259_200_00)),
        ((2016, 460_800_00), (2017, 345_600_00)),
    ]


@pytest.mark.parametrize(
    ("case", "costs", "benefits", "fiscal", "readme"),
    [
        ("prudent", COSTS, ALL, FISCAL, (566_618_36, 1_683_717_71, 815_879_02)),
        ("adjusted", COSTS_ADJ, ALL_ADJ, FISCAL_ADJ, (635_280_19, 1_406_160_05, 693_497_16)),
    ],
)
def test_the_public_value_and_financial_cases_are_the_readmes_figures(
    appraisal, case, costs, benefits, fiscal, readme
):
    figures = getattr(appraisal, case)
    assert (pence(costs), pence(benefits), pence(fiscal)) == readme
    assert (figures.pv_costs, figures.pv_benefits, figures.financial.pv_benefits) == readme
    assert figures.npv == pence(benefits) - pence(costs)
    assert figures.financial.npv == pence(fiscal) - pence(costs)


def test_the_ratios_and_payback_are_the_readmes_figures(appraisal):
    prudent, adjusted = appraisal.prudent, appraisal.adjusted
    shown = [round_places(c.bcr, 2) for c in (prudent, adjusted, prudent.financial, adjusted.financial)]
    assert shown == [Decimal("2.97"), Decimal("2.21"), Decimal("1.44"), Decimal("1.09")]
    assert (prudent.payback_year, prudent.financial.payback_year) == (2016, 2017)


def test_who_pays_and_who_gains_is_the_readmes_table(appraisal):
    rows = {row.party: row for row in appraisal.who}
    assert list(rows) == [Party.FUND, Party.COUNCIL, Party.NHS, Party.POLICE, Party.DWP, Party.OTHER]
    assert rows[Party.FUND].costs == pence(FUND_ADJ) == 436_280_19
    assert rows[Party.COUNCIL].costs == pence(COUNCIL_ADJ) == 144_000_00
    assert (rows[Party.NHS].costs, rows[Party.NHS].benefits[BenefitKind.FISCAL_NON_CASHABLE]) == (
        55_000_00,
        144_000_00,
    )
    assert rows[Party.NHS].net_fiscal == 89_000_00
    assert rows[Party.POLICE].benefits[BenefitKind.FISCAL_CASHABLE] == pence(POLICE_ADJ) == 60_000_00
    assert rows[Party.DWP].benefits[BenefitKind.FISCAL_CASHABLE] == pence(DWP_ADJ) == 489_497_16
    other = rows[Party.OTHER]
    assert (
        (other.benefits[BenefitKind.ECONOMIC], other.benefits[BenefitKind.SOCIAL])
        == (
            pence(ECONOMIC_ADJ),
            pence(SOCIAL_ADJ),
        )
        == (652_662_89, 60_000_00)
    )
    assert appraisal.who_total.net_public_value == 770_879_86


def test_the_switching_values_are_the_readmes(appraisal):
    npv, gate = appraisal.switching.npv, appraisal.switching.gate
    b, c = Fraction(appraisal.prudent.pv_benefits), Fraction(appraisal.prudent.pv_costs)
    # Costs could almost treble (b / c - 1 = 197%) before NPV reaches zero, or nearly double (98%) to
    # the gate of 1.5; every benefit could be cut by 66% (1 - c / b), or 50% to the gate.
    assert (
        [round_places(v * 100, 0) for v in (npv.costs, gate.costs, npv.optimism_bias, gate.optimism_bias)]
        == [
            round_places((b / c - 1) * 100, 0),
            round_places((b / (Fraction(3, 2) * c) - 1) * 100, 0),
            round_places((1 - c / b) * 100, 0),
            round_places((1 - Fraction(3, 2) * c / b) * 100, 0),
        ]
        == [197, 98, 66, 50]
    )
    # The cashable savings (police and DWP, £655,879) are less than NPV: no fall in them reaches zero.
    assert npv.savings < -1
