"""The charts' font is Liberation Sans from its file, whatever matplotlib's font cache says."""

import json
import os
import subprocess
import sys
from pathlib import Path

from bidtool import charts

CHART = """
import matplotlib.font_manager as fm
from bidtool import charts
from bidtool.core.appraisal import appraise
from bidtool.core.bid import Bid, BidYear
year = BidYear(2014, award_costs=100, savings=500)
bid = Bid(reference="A-1", title="A", lead_organisation="A", years=(year,))
svg = charts.costs_and_savings(appraise(bid))
print(fm.findfont(fm.FontProperties(family=charts.STYLE["font.family"])))
"""


def test_a_chart_uses_liberation_sans_from_its_file_even_when_the_font_cache_lacks_it(tmp_path):
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True)
    # A cache made before the font was installed (a fresh machine): it knows no Liberation font.
    (cache,) = tmp_path.glob("fontlist-*.json")
    fonts = json.loads(cache.read_text())
    fonts["ttflist"] = [f for f in fonts["ttflist"] if not f["name"].startswith("Liberation")]
    cache.write_text(json.dumps(fonts))
    made = subprocess.run(
        [sys.executable, "-W", "error", "-c", CHART], env=env, capture_output=True, text=True, check=True
    )
    assert made.stderr == ""  # matplotlib logs a fallback as a warning on stderr
    assert Path(made.stdout.strip()) == charts.FONT_FILES[0]
    assert charts.FONT_FILES[0].name == "LiberationSans-Regular.ttf"
