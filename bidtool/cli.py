"""The bidtool command line: appraise, check and rank bids from plain files."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app

from bidtool import create_app, db, packs, printing, reports, tasks
from bidtool.core import wording
from bidtool.core.access import Action, Role, allowed
from bidtool.core.appraisal import Appraisal, appraise
from bidtool.core.bid import Bid
from bidtool.core.checks import Finding, check_bid, has_errors
from bidtool.core.decisions.panel import Assessed, Decisions, Settings, decide, decisions_summary
from bidtool.core.decisions.portfolio import Objective
from bidtool.core.errors import BidToolError, InvalidInput, Problem
from bidtool.core.money import MoneyError, parse_pounds, to_pence
from bidtool.core.scheme import Scheme
from bidtool.core.scoring import suggest_scores
from bidtool.core.summary import appraisal_summary, findings_summary
from bidtool.files import dump_json, load_bid, load_scheme, load_scores, read_bytes, read_text
from bidtool.models import utcnow
from bidtool.services import EVERYONE, Scope, accounts, assessment, sheets, transfer
from bidtool.services.accounts import NewUser, create_user, generate_password
from bidtool.services.bids import SelfCheck
from bidtool.services.decisions import round_decisions
from bidtool.services.demo import add_demo_users, load_demo, load_demo_draft, load_demo_scores

EXIT_BAD_INPUT = 2
EXIT_CHECK_ERRORS = 1

# bidtool itself reports a missing or unreadable file, as one line like every other problem.
FileArgument = click.Path(path_type=Path)


def reports_bad_input(command: Callable) -> Callable:
    """Turn bad input into one line per problem on stderr and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InvalidInput as error:
            for problem in error.problems:
                click.echo(f"error: {problem}", err=True)
        except BidToolError as error:
            click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)

    return wrapper


def _pot(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        pot = parse_pounds(value)
    except MoneyError as error:
        raise InvalidInput([Problem("--pot", str(error))]) from None
    if pot < 0:
        raise InvalidInput([Problem("--pot", "must not be negative")])
    return pot


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Appraise, check, score and rank Transformation Challenge Award bids."""


@contextlib.contextmanager
def app_context():
    """The web application's context: its database, and the templates that PDFs are printed from."""
    app = create_app()
    try:
        with app.app_context():
            yield
    finally:
        app.extensions["bidtool.engine"].dispose()


def in_app(command: Callable) -> Callable:
    """Run a command inside the web application's context."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with app_context():
            return command(*args, **kwargs)

    return wrapper


@main.group("db")
def db_group() -> None:
    """Manage the database."""


@db_group.command("upgrade")
@in_app
def db_upgrade_command() -> None:
    """Bring the database to the newest schema (safe to run again)."""
    db.upgrade(current_app.config["DATABASE_URL"])
    click.echo("The database is up to date.")


@main.command("demo")
@in_app
@reports_bad_input
def demo_command() -> None:
    """Load the demo round tca-2013: the 2013/14 winners and a council draft (adds what is missing)."""
    demo_dir = Path(current_app.config["DEMO_DIR"])
    added = load_demo(db.session(), Path(current_app.config["SCHEMES_DIR"]), demo_dir)
    added += load_demo_draft(db.session(), demo_dir)
    click.echo(f"Demo loaded: added {', '.join(added)}." if added else "The demo round is already loaded.")
    users = add_demo_users(db.session(), current_app.config["SECRET_KEY"])
    scores = load_demo_scores(db.session(), demo_dir)
    if scores:
        click.echo(f"Demo scores loaded: {scores} scores, so that the round has a ranking.")
    click.echo("\nDemo sign-ins, FOR LOCAL USE ONLY (the passwords come from this machine's instance/ key):")
    width = max(len(user.email) for user, _ in users)
    for user, password in users:
        who = user.role.label + (f", {user.organisation}" if user.role is Role.COUNCIL else "")
        click.echo(f"  {user.email:<{width}} {password}   {who}")


@main.command("worker")
@click.option("--workers", default=2, show_default=True, help="How many tasks to run at once (processes).")
def worker_command(workers: int) -> None:
    """Run the background tasks (panel pack prints) of the queue that BIDTOOL_HUEY_URL names."""
    tasks.run_worker(create_app(), workers)


@main.command("create-user")
@click.option("--email", required=True, help="The user's email address, used to sign in.")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="What the user may do."
)
@click.option("--organisation", help="The user's organisation (required for council users).")
@in_app
@reports_bad_input
def create_user_command(email: str, role: str, organisation: str | None) -> None:
    """Create a user; the password is read from standard input, or generated and printed."""
    typed = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
    password = typed or generate_password(email)
    user = create_user(db.session(), NewUser(email, Role(role), organisation), password)
    click.echo(f"Created {user.email} ({Role(user.role).label}).")
    if not typed:
        click.echo(f"Password: {password}")


def _appraise(bid: Bid, scheme: Scheme | None) -> Appraisal:
    return scheme.appraise(bid) if scheme else appraise(bid)


@main.command("appraise")
@click.argument("bid_file", type=FileArgument)
@click.option("--scheme", "scheme_file", type=FileArgument, help="Scheme whose optimism-bias table applies.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@reports_bad_input
def appraise_command(bid_file: Path, scheme_file: Path | None, as_json: bool) -> None:
    """Appraise a bid: NPV, BCR, ROI, payback and value for money, before and after optimism bias."""
    scheme = load_scheme(scheme_file) if scheme_file else None
    bid = load_bid(bid_file)
    appraisal = _appraise(bid, scheme)
    findings = check_bid(bid, scheme)
    if as_json:
        click.echo(dump_json(appraisal_summary(appraisal, findings)))
        return
    click.echo(_appraisal_table(bid, appraisal))
    click.echo(_findings_text(findings))


@main.command("check")
@click.argument("bid_file", type=FileArgument)
@click.option("--scheme", "scheme_file", type=FileArgument, help="Scheme whose criteria and rules apply.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--pdf", "pdf_file", type=FileArgument, help="Also write the self-check report to this PDF.")
@reports_bad_input
def check_command(bid_file: Path, scheme_file: Path | None, as_json: bool, pdf_file: Path | None) -> None:
    """Self-check a bid; exit 1 when it has errors (warnings alone pass)."""
    scheme = load_scheme(scheme_file) if scheme_file else None
    bid = load_bid(bid_file)
    findings = check_bid(bid, scheme)
    appraisal = _appraise(bid, scheme)
    suggestions = suggest_scores(scheme, bid, appraisal) if scheme else []
    if as_json:
        click.echo(
            dump_json(
                {
                    "reference": bid.reference,
                    "ok": not has_errors(findings),
                    "checks": findings_summary(findings),
                    "suggested_scores": [
                        {
                            "criterion": s.criterion,
                            "indicator": s.indicator.value,
                            "score": s.score,
                            "basis": s.basis,
                        }
                        for s in suggestions
                    ],
                }
            )
        )
    else:
        click.echo(f"{bid.reference}  {bid.title}")
        click.echo(_findings_text(findings))
        for s in suggestions:
            name = scheme.criterion(s.criterion).name
            shown = "none" if s.score is None else f"{s.score} ({scheme.scale.labels[s.score]})"
            click.echo(f"Suggested score for {name}: {shown} - {s.basis}. The assessor decides.")
    if pdf_file is not None:
        check = SelfCheck(bid, scheme, appraisal, findings, suggestions)
        with app_context():
            report = printing.self_check_pdf(check, utcnow())
        _emit(report, pdf_file)
    if has_errors(findings):
        sys.exit(EXIT_CHECK_ERRORS)


@main.command("validate-scheme")
@click.argument("scheme_file", type=FileArgument)
@reports_bad_input
def validate_scheme_command(scheme_file: Path) -> None:
    """Check a scheme file and summarise it in one line."""
    scheme = load_scheme(scheme_file)
    gates = sum(c.gate_min_score is not None for c in scheme.criteria) + (scheme.vfm_gate is not None)
    click.echo(
        f"{scheme_file}: scheme {scheme.id!r} is valid: {len(scheme.criteria)} criteria, "
        f"scale {scheme.scale.min} to {scheme.scale.max}, {gates} gate{'s' if gates != 1 else ''}, "
        f"tie-breaks {', '.join(map(str, scheme.tie_breaks)) or 'none'}"
    )


@main.command("rank")
@click.option("--round", "round_ref", help="Rank a round's bids on the scores stored for them.")
@click.option("--scheme", "scheme_file", type=FileArgument, help="The scheme file (ranking files).")
@click.option("--scores", "scores_file", type=FileArgument, help="The scores CSV (ranking files).")
@click.argument("bid_files", type=FileArgument, nargs=-1)
@click.option(
    "--pot", help="Money available, in pounds: draws the funding line (a round's own pot by default)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the same as --format json).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV, a row per bid (the same as --format csv).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), help="The output format."
)
@click.option("-o", "--output", type=FileArgument, help="The file to write (standard output if not given).")
@click.option(
    "--best-by",
    type=click.Choice([o.value for o in Objective]),
    default=Objective.SCORE.value,
    show_default=True,
    help="What the best portfolio under the pot maximises: total weighted score, or total NPV.",
)
@click.option(
    "--one-per-lead", is_flag=True, help="The best portfolio funds at most one bid per lead organisation."
)
@reports_bad_input
def rank_command(
    round_ref: str | None,
    scheme_file: Path | None,
    scores_file: Path | None,
    bid_files: tuple[Path, ...],
    pot: str | None,
    as_json: bool,
    as_csv: bool,
    fmt: str | None,
    output: Path | None,
    best_by: str,
    one_per_lead: bool,
) -> None:
    """Rank bids by their weighted scores and draw the funding line against a pot, with the
    assessors' agreement and calibration, how sure each rank is, and the best portfolio.

    Either files (--scheme, --scores and the bid files) or a round of the database (--round).
    """
    chosen = {name for name, on in (("json", as_json), ("csv", as_csv)) if on} | ({fmt} if fmt else set())
    if len(chosen) > 1:
        raise InvalidInput([Problem("--format", "choose one output format, not several")])
    fmt = chosen.pop() if chosen else "table"
    if fmt == "xlsx" and output is None:
        raise InvalidInput([Problem("--output", "an XLSX workbook is not text: name a file with -o")])
    pot_pence = _pot(pot)
    if round_ref is not None:
        if scheme_file or scores_file or bid_files:
            raise InvalidInput([Problem("--round", "rank a round or files, not both")])
        scheme, decisions = _rank_round(round_ref, pot_pence, Objective(best_by), one_per_lead)
    else:
        missing = [
            name for name, given in (("--scheme", scheme_file), ("--scores", scores_file)) if not given
        ]
        if missing or not bid_files:
            what = ", ".join(missing + ([] if bid_files else ["bid files"]))
            raise InvalidInput(
                [Problem("rank", f"name a --round, or give the files to rank: {what} missing")]
            )
        scheme = load_scheme(scheme_file)
        bids = _load_bids(bid_files)
        scores = load_scores(scores_file, scheme, {b.reference for b in bids})
        assessed = [Assessed(bid, _appraise(bid, scheme)) for bid in bids]
        settings = Settings(objective=Objective(best_by), one_per_organisation=one_per_lead)
        decisions = decide(scheme, assessed, scores, pot_pence, settings)
    summary = decisions_summary(decisions)
    written = {
        "table": lambda: _ranking_table(scheme, summary) + "\n",
        "json": lambda: dump_json(summary) + "\n",
        "csv": lambda: reports.ranking_csv(scheme, summary),
        "xlsx": lambda: reports.ranking_xlsx(scheme, summary),
    }[fmt]()
    _emit(written, output)


@main.command("sheet")
@click.option("--round", "round_ref", required=True, help="The reference of the round.")
@click.option("--bid", "bid_ref", required=True, help="The reference of the bid.")
@click.option("-o", "--output", type=FileArgument, required=True, help="The PDF file to write.")
@in_app
@reports_bad_input
def sheet_command(round_ref: str, bid_ref: str, output: Path) -> None:
    """Print a bid's assessment sheet: its figures, every assessor's scores, its rank, a sign-off block."""
    found, place = sheets.placed_sheet(db.session(), EVERYONE, round_ref, bid_ref)
    _emit(printing.sheet_pdf(found, place, utcnow()), output)


@main.command("pack")
@click.option("--round", "round_ref", required=True, help="The reference of the round.")
@click.option("-o", "--output", type=FileArgument, required=True, help="The PDF file to write.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=len(os.sched_getaffinity(0)),
    show_default="the number of cores",
    help="How many processes print the sheets that are not kept already.",
)
@in_app
@reports_bad_input
def pack_command(round_ref: str, output: Path, jobs: int) -> None:
    """Print a round's panel pack: the ranked summary, the funding line, every bid's sheet in rank order."""
    found = sheets.round_pack(db.session(), EVERYONE, round_ref)
    parts = packs.parts_of(found)
    with click.progressbar(length=len(parts), label="Printing sheets", file=sys.stderr) as bar:
        printed = packs.print_in_processes(parts, jobs, bar.update)
    click.echo(
        f"Printed {printed} of {len(parts)} parts of the pack (its sheets and summary);"
        f" {len(parts) - printed} kept.",
        err=True,
    )
    _emit(packs.pack_pdf(found, utcnow(), parts=parts), output)


def _rank_round(
    round_ref: str, pot: int | None, objective: Objective, one_per_lead: bool
) -> tuple[Scheme, Decisions]:
    with app_context():
        return round_decisions(
            db.session(), round_ref, pot, objective=objective, one_per_organisation=one_per_lead
        )


def _emit(data: str | bytes, output: Path | None) -> None:
    """Print text, or write text or bytes to a file."""
    if output is None:
        click.echo(data, nl=False)
        return
    try:
        output.write_bytes(data.encode() if isinstance(data, str) else data)
    except OSError as error:
        raise InvalidInput([Problem(str(output), f"cannot be written ({error.strerror})")]) from None
    click.echo(f"Wrote {output}", err=True)


@main.command("import-scores")
@click.option("--round", "round_ref", required=True, help="The round whose bids were scored.")
@click.argument("scores_file", type=FileArgument)
@in_app
@reports_bad_input
def import_scores_command(round_ref: str, scores_file: Path) -> None:
    """Store a scores CSV (assessors named by email must be users) as submitted scores: all, or none."""
    try:
        count = assessment.import_scores(
            db.session(), None, round_ref, io.StringIO(read_text(scores_file), newline="")
        )
    except InvalidInput as error:
        raise error.prefixed(str(scores_file)) from None
    click.echo(f"{count} scores stored for round {round_ref}.")


def _load_bids(paths: tuple[Path, ...]) -> list[Bid]:
    bids, problems, seen = [], [], {}
    for path in paths:
        try:
            bid = load_bid(path)
        except InvalidInput as error:
            problems.extend(error.problems)
            continue
        if bid.reference in seen:
            problems.append(
                Problem(str(path), f"reference {bid.reference!r} is also used by {seen[bid.reference]}")
            )
        seen[bid.reference] = path
        bids.append(bid)
    if problems:
        raise InvalidInput(problems)
    return bids


def _appraisal_table(bid: Bid, appraisal: Appraisal) -> str:
    cases = [appraisal.prudent, appraisal.adjusted] + ([appraisal.high] if appraisal.high else [])
    headings = ["Prudent", wording.after_optimism_bias(appraisal).capitalize()] + (
        ["High case"] if appraisal.high else []
    )
    lines = [
        ("Total costs", lambda c: wording.money(c.total_costs)),
        ("Total savings", lambda c: wording.money(c.total_savings)),
        ("Present value of costs", lambda c: wording.money(c.pv_costs)),
        ("Present value of benefits", lambda c: wording.money(c.pv_benefits)),
        ("Net present value", lambda c: wording.money(c.npv)),
        ("Benefit-cost ratio", lambda c: wording.ratio(c.bcr)),
        ("Return on investment", lambda c: wording.ratio(c.roi)),
        ("Payback year", wording.payback),
        ("Value for money", lambda c: wording.vfm(c.vfm_category)),
        ("Savings per £1 of award", lambda c: wording.ratio(c.savings_per_pound)),
        ("Match-funding share", lambda c: wording.percent(c.match_share)),
        (
            "Financial case: present value of fiscal benefits",
            lambda c: wording.money(c.financial.pv_benefits),
        ),
        ("Financial case: net present value", lambda c: wording.money(c.financial.npv)),
        ("Financial case: benefit-cost ratio", lambda c: wording.ratio(c.financial.bcr)),
        ("Financial case: return on investment", lambda c: wording.ratio(c.financial.roi)),
        ("Financial case: payback year", lambda c: wording.payback(c.financial)),
    ]
    grade = f"grade {appraisal.confidence_grade}" + (" (none given)" if appraisal.grade_assumed else "")
    table = _columns([["", *headings]] + [[label, *(show(c) for c in cases)] for label, show in lines])
    return (
        f"{bid.reference}  {bid.title}\n"
        f"Award sought {wording.money(bid.award_sought)}; savings confidence {grade}\n\n{table}\n"
        f"{_who_table(appraisal)}{_switching_text(appraisal)}"
    )


def _columns(rows: list[list[str]]) -> str:
    """Rows of cells as a plain table: the first column to the left, the others to the right."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    )


def _who_table(appraisal: Appraisal) -> str:
    if not appraisal.who:
        return ""
    heading = ["", "Pays", "Cashable", "Non-cashable", "Economic", "Social", "Net fiscal", "Net public value"]
    rows = [
        [
            wording.party(p.party),
            wording.money(p.costs),
            *(wording.money(amount) for amount in p.benefits.values()),
            wording.money(p.net_fiscal),
            wording.money(p.net_public_value),
        ]
        for p in (*appraisal.who, appraisal.who_total)
    ]
    title = f"Who pays and who gains, present values {wording.after_optimism_bias(appraisal)}"
    return f"\n{title}\n{_columns([heading, *rows])}\n"


def _switching_text(appraisal: Appraisal) -> str:
    switching = appraisal.switching
    targets = [("net present value of zero", switching.npv)]
    if switching.gate is not None:
        targets.append((f"BCR at the gate of {wording.ratio(switching.gate.target)}", switching.gate))
    lines = ["", "Switching values of the prudent case (each figure alone)"]
    for name, switch in targets:
        lines.append(
            f"  To a {name}: cashable savings {wording.switching_savings(switch)}; "
            f"costs {wording.switching_costs(switch)}; "
            f"optimism bias {wording.switching_optimism_bias(switch)}"
        )
    return "\n".join(lines) + "\n"


def _findings_text(findings: list[Finding]) -> str:
    if not findings:
        return "Checks: no problems found."
    errors = sum(f.severity.value == "error" for f in findings)
    lines = [f"Checks: {errors} error(s), {len(findings) - errors} warning(s)"]
    lines += [f"  {f.severity.value.upper():7} {f.code}: {f.message}" for f in findings]
    return "\n".join(lines)


def _money(value) -> str:
    return "" if value is None else wording.money(to_pence(value))


def _ranking_table(scheme: Scheme, summary: dict) -> str:
    lines = []
    for row in summary["bids"]:
        score = "-" if row["weighted_score"] is None else wording.ratio(row["weighted_score"])
        funded = {True: "funded", False: "not funded", None: ""}[row["funded"]]
        chance = wording.probability(row["funded_probability"])
        ranks = wording.rank_range(row["rank_range"])
        lines.append(
            f"{row['rank']:>3}. {row['reference']:<10} {score:>6}  {_money(row['award_sought']):>12}  "
            f"{_money(row['cumulative_award']):>12}  {row['status']:<10} {funded:<10} {chance:>9} "
            f"{ranks:>8}  {row['title']}"
        )
        lines += [f"       - {reason}" for reason in row["reasons"]]
    if summary["pot"] is not None:
        lines.append(
            f"Pot {_money(summary['pot'])}: used {_money(summary['pot_used'])}, "
            f"left {_money(summary['pot_left'])}; "
            f"first bid that did not fit: {summary['first_unfunded'] or 'none'}"
        )
    header = (
        f"{'rank':>4} {'bid':<10} {'score':>6}  {'award':>12}  {'cumulative':>12}  "
        f"{'status':<10} {'funding':<10} {'funded in':>9} {'ranks':>8}  title"
    )
    return "\n".join(
        [
            f"Ranking against {scheme.name}, on {summary['scored_on']} scores",
            header,
            *lines,
            *_decisions_text(summary),
        ]
    )


def _decisions_text(summary: dict) -> list[str]:
    """Agreement, the assessors, how the draws were made and the best portfolio, in lines of text."""
    found = summary["agreement"]
    chances = summary["robustness"]
    lines = [
        f"Agreement (Krippendorff's alpha, ordinal): overall {wording.agreement(found['overall'])}; "
        + ", ".join(f"{key} {wording.agreement(alpha)}" for key, alpha in found["criteria"].items()),
        *(
            f"Assessor {a['assessor']}: leniency {wording.points(a['leniency'])}, spread "
            f"{wording.ratio(a['spread'])}, {a['bids_scored']} bids, "
            f"calibration offset {wording.points(a['offset'])}"
            for a in summary["assessors"]
        ),
        f"Funded in and ranks (5th to 95th percentile): {chances['draws']:,} draws, weight concentration "
        f"{chances['weight_concentration']}, seed {chances['seed']}",
    ]
    best = summary["portfolio"]
    if best is not None:
        line = best["funding_line"]
        lines.append(
            f"Best portfolio by {best['objective']}: {', '.join(best['references']) or 'none'}; total score "
            f"{wording.ratio(best['total_score'])}, pot used {_money(best['pot_used'])} (the funding line: "
            f"{wording.ratio(line['total_score'])}, {_money(line['pot_used'])}); adds "
            f"{', '.join(best['adds']) or 'nothing'}, leaves out {', '.join(best['leaves_out']) or 'nothing'}"
        )
    lines += [f"Not available: {why}" for why in summary["not_available"].values()]
    return lines


def _acting_as(email: str | None, action: Action) -> Scope:
    """The scope of the user named by --as (whose rules then apply), or everyone's for the operator."""
    if email is None:
        return EVERYONE
    try:
        user = accounts.by_email(db.session(), email)
    except BidToolError as error:
        raise InvalidInput([Problem("--as", str(error))]) from None
    if not allowed(Role(user.role), action):
        raise InvalidInput([Problem("--as", f"{user.email} ({Role(user.role).label}) may not do this")])
    return accounts.scope_of(Role(user.role), user.organisation, user.id)


AS_OPTION = click.option(
    "--as", "as_email", metavar="EMAIL", help="Act as this user, with their rights and their bids only."
)


@main.command("import-bids")
@click.option("--round", "round_ref", required=True, help="The reference of the round to add the bids to.")
@click.argument("files", type=FileArgument, nargs=-1, required=True)
@AS_OPTION
@in_app
@reports_bad_input
def import_bids_command(round_ref: str, files: tuple[Path, ...], as_email: str | None) -> None:
    """Add bids from bidtool.bid/1 or /2 JSON, CSV or XLSX files to a round: all of them, or none."""
    scope = _acting_as(as_email, Action.UPLOAD_BIDS)
    uploads, problems = [], []
    for path in files:
        try:
            uploads.append((str(path), read_bytes(path)))
        except InvalidInput as error:
            problems += error.problems
    if problems:
        raise InvalidInput(problems)
    imported = transfer.import_bids(db.session(), scope, round_ref, uploads)
    added = imported.references
    click.echo(f"{len(added)} bid{'s' if len(added) != 1 else ''} added to {round_ref}: {', '.join(added)}")
    for drafted in imported.drafted:
        click.echo(f"{drafted.reference} is given as submitted but arrived as a draft: its self-check finds")
        for error in drafted.errors:
            click.echo(f"  - {error}")


@main.command("export-bids")
@click.option("--round", "round_ref", required=True, help="The reference of the round.")
@click.option(
    "--format", "fmt", type=click.Choice(list(transfer.FORMATS)), required=True, help="The file format."
)
@click.option("-o", "--output", type=FileArgument, help="The file to write (standard output if not given).")
@AS_OPTION
@in_app
@reports_bad_input
def export_bids_command(round_ref: str, fmt: str, output: Path | None, as_email: str | None) -> None:
    """Write a round's bids as JSON (a list of bidtool.bid/1 or /2 objects), CSV or XLSX."""
    if output is None and fmt == "xlsx":
        raise InvalidInput([Problem("--output", "an XLSX workbook is not text: name a file with -o")])
    scope = _acting_as(as_email, Action.READ_BIDS)
    _, _, data = transfer.export_bids(db.session(), scope, round_ref, fmt)
    if output is None:
        click.echo(data.decode("utf-8-sig"), nl=False)
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        raise InvalidInput([Problem(str(output), f"cannot be written ({error.strerror})")]) from None
    click.echo(f"Wrote {output}", err=True)
