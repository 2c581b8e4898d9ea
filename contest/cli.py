"""`flask` commands. Each calls a service and commits."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from .config import RELAXED_ENVS
from .demo import seed as demo
from .extensions import db
from .models import ROLES, Contest, Entry, Unit
from .services import accounts, exports, votes
from .services.errors import ServiceError, ValidationErrors
from .state import voting_entries

admin_cli = AppGroup("admin", help="Accounts and roles.")


CONTEST_HELP = "The contest's code (as in its entry numbers, e.g. ZNL26) or its slug."


def find_contest(ref: str) -> Contest:
    """The contest named by its code (any case: offices write ZNL26) or its slug."""
    ref = (ref or "").strip()
    contest = db.session.scalar(select(Contest).where(or_(func.upper(Contest.code) == ref.upper(),
                                                          Contest.slug == ref)))
    if contest is None:
        raise click.ClickException(_("No contest has the code or slug “%(ref)s”.", ref=ref))
    return contest


def _fail(exc: ServiceError) -> None:
    db.session.rollback()
    messages = exc.errors.values() if isinstance(exc, ValidationErrors) else [exc.message]
    raise click.ClickException(" ".join(str(m) for m in messages))


@admin_cli.command("create-user")
@click.option("--phone", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="entrant", show_default=True)
@click.option("--unit", "unit_name", default=None, help="Unit name (needed for unit_admin and organiser).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(phone: str, name: str, role: str, unit_name: str | None, password: str) -> None:
    """Create an account with a role."""
    unit = None
    if unit_name:
        unit = db.session.scalar(select(Unit).where(Unit.name == unit_name))
        if unit is None:
            raise click.ClickException(_("No unit is named “%(name)s”.", name=unit_name))
    try:
        user = accounts.create_user(phone=phone, name=name, password=password, role=role, unit=unit)
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(_("Created user %(id)d (%(phone)s) with the role %(role)s.", id=user.id,
                 phone=accounts.mask_phone(user.phone), role=role))


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even in production (demo accounts have a public password).")
def seed_demo(force: bool) -> None:
    """Load the demo programme into an empty database (does nothing otherwise)."""
    if current_app.config["ENV"] not in RELAXED_ENVS and not force:
        raise click.ClickException(_(
            "Demo accounts have a public password: not seeded in production. Add --force if you mean it."))
    _seed_demo()


def _seed_demo() -> None:
    if demo.is_seeded():
        click.echo("The database already holds programmes: nothing seeded.")
    else:
        demo.seed_demo()
        db.session.commit()
        click.echo("Demo programme loaded.")
    rows = demo.existing_demo_accounts()
    if rows:
        click.echo(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
    for phone, name, role, unit in rows:
        click.echo(f"  {phone}  {role:<10} {name}" + (f" ({unit})" if unit else ""))


votes_cli = AppGroup("votes", help="The public vote.")


@votes_cli.command("recount")
@click.option("--contest", "ref", required=True, help=CONTEST_HELP)
def votes_recount(ref: str) -> None:
    """Count every entry's valid votes again from the rows and check each entry's hash chain."""
    contest = find_contest(ref)
    result = votes.recount(contest)
    # Every entry in the vote (none: 0), and any other entry that has votes.
    in_vote = voting_entries(contest).with_only_columns(Entry.id)
    numbers = dict(db.session.execute(select(Entry.id, Entry.number).where(
        Entry.id.in_(in_vote) | Entry.id.in_(result.counted))).all())
    for entry_id, number in sorted(numbers.items(), key=lambda item: item[1] or ""):
        click.echo(f"{number} {result.counted.get(entry_id, 0)}")
    for entry_id, (kept, counted) in sorted(result.drift.items()):
        click.echo(_("The counter of %(number)s differs: kept %(kept)d, recounted %(counted)d.",
                     number=numbers.get(entry_id), kept=kept, counted=counted), err=True)
    chain = "ok" if result.broken_at is None else f"broken at {result.broken_at}"
    click.echo(f"total={sum(result.counted.values())} chain={chain}")
    if result.broken_at is not None or result.drift:
        raise SystemExit(1)


export_cli = AppGroup("export", help="Exports of a contest's results.")


def _export_options(formats: tuple[str, ...]):
    def decorate(command):
        for option in reversed([
            click.option("--contest", "ref", required=True, help=CONTEST_HELP),
            click.option("--format", "fmt", type=click.Choice(formats), required=True),
            click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True),
            click.option("--full-personal-data", "full", is_flag=True,
                         help="Phone numbers unmasked (needs --reason; audited)."),
            click.option("--reason", default=None, help="Why unmasked personal data is needed."),
        ]):
            command = option(command)
        return command
    return decorate


def _run_export(kind: str, ref: str, fmt: str, output: str, full: bool, reason: str | None) -> None:
    contest = find_contest(ref)
    try:
        done = getattr(exports, f"export_{kind}")(None, contest, fmt, output, full=full, reason=reason)
    except ServiceError as exc:
        Path(output).unlink(missing_ok=True)
        raise click.ClickException(exc.message) from exc
    exports.record_export(None, contest, kind, fmt, done, full=full, reason=reason)   # ends the reads first
    db.session.commit()
    if not done.rows:
        click.echo(_("No entry qualifies: the file holds the headings only."), err=True)
    click.echo(f"rows={done.rows} sha256={done.sha256} output={output}")


@export_cli.command("recommended")
@_export_options(("xlsx", "csv", "pdf", "zip"))
def export_recommended(ref: str, fmt: str, output: str, full: bool, reason: str | None) -> None:
    """The entries recommended to the provincial selection."""
    _run_export("recommended", ref, fmt, output, full, reason)


@export_cli.command("ledger")
@_export_options(("xlsx", "csv"))
def export_ledger(ref: str, fmt: str, output: str, full: bool, reason: str | None) -> None:
    """The whole contest's 台账: every entry, its status, rounds, votes and award."""
    _run_export("ledger", ref, fmt, output, full, reason)


def register_cli(app: Flask) -> None:
    app.cli.add_command(admin_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(votes_cli)
    app.cli.add_command(export_cli)
