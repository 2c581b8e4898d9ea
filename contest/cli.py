"""`flask` commands. Each calls a service and commits."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .config import RELAXED_ENVS
from .demo import seed as demo
from .extensions import db
from .models import ROLES, Contest, Entry, Unit
from .services import accounts, exports, votes
from .services.errors import ServiceError, ValidationErrors
from .state import voting_entries

admin_cli = AppGroup("admin", help="Accounts and roles.")


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
            raise click.ClickException(f"No unit named {unit_name!r}.")
    try:
        user = accounts.create_user(phone=phone, name=name, password=password, role=role, unit=unit)
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"created user {user.id} ({accounts.mask_phone(user.phone)}) with role {role}")


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even in production (demo accounts have a public password).")
def seed_demo(force: bool) -> None:
    """Load the demo programme into an empty database (does nothing otherwise)."""
    if current_app.config["ENV"] not in RELAXED_ENVS and not force:
        raise click.ClickException(
            "Refusing to seed demo accounts with a public password in production; use --force if you mean it.")
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
@click.option("--contest", "slug", required=True, help="The contest's slug.")
def votes_recount(slug: str) -> None:
    """Count every entry's valid votes again from the rows and check each entry's hash chain."""
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    if contest is None:
        raise click.ClickException(f"no contest with slug {slug!r}")
    result = votes.recount(contest)
    # Every entry in the vote (none: 0), and any other entry that has votes.
    in_vote = voting_entries(contest).with_only_columns(Entry.id)
    numbers = dict(db.session.execute(select(Entry.id, Entry.number).where(
        Entry.id.in_(in_vote) | Entry.id.in_(result.counted))).all())
    for entry_id, number in sorted(numbers.items(), key=lambda item: item[1] or ""):
        click.echo(f"{number} {result.counted.get(entry_id, 0)}")
    for entry_id, (kept, counted) in sorted(result.drift.items()):
        click.echo(f"counter differs for {numbers.get(entry_id)}: kept {kept}, recount {counted}", err=True)
    chain = "ok" if result.broken_at is None else f"broken at {result.broken_at}"
    click.echo(f"total={sum(result.counted.values())} chain={chain}")
    if result.broken_at is not None or result.drift:
        raise SystemExit(1)


export_cli = AppGroup("export", help="Exports of a contest's results.")


def _export_contest(slug: str):
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    if contest is None:
        raise click.ClickException(f"no contest with slug {slug!r}")
    return contest


def _export_options(formats: tuple[str, ...]):
    def decorate(command):
        for option in reversed([
            click.option("--contest", "slug", required=True, help="The contest's slug."),
            click.option("--format", "fmt", type=click.Choice(formats), required=True),
            click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True),
            click.option("--full-personal-data", "full", is_flag=True,
                         help="Phone numbers unmasked (needs --reason; audited)."),
            click.option("--reason", default=None, help="Why unmasked personal data is needed."),
        ]):
            command = option(command)
        return command
    return decorate


def _run_export(kind: str, slug: str, fmt: str, output: str, full: bool, reason: str | None) -> None:
    contest = _export_contest(slug)
    try:
        done = getattr(exports, f"export_{kind}")(None, contest, fmt, output, full=full, reason=reason)
    except ServiceError as exc:
        Path(output).unlink(missing_ok=True)
        raise click.ClickException(exc.message) from exc
    exports.record_export(None, contest, kind, fmt, done, full=full, reason=reason)   # ends the reads first
    db.session.commit()
    click.echo(f"rows={done.rows} sha256={done.sha256} output={output}")


@export_cli.command("recommended")
@_export_options(("xlsx", "csv", "pdf", "zip"))
def export_recommended(slug: str, fmt: str, output: str, full: bool, reason: str | None) -> None:
    """The entries recommended to the provincial selection."""
    _run_export("recommended", slug, fmt, output, full, reason)


@export_cli.command("ledger")
@_export_options(("xlsx", "csv"))
def export_ledger(slug: str, fmt: str, output: str, full: bool, reason: str | None) -> None:
    """The whole contest's 台账: every entry, its status, rounds, votes and award."""
    _run_export("ledger", slug, fmt, output, full, reason)


def register_cli(app: Flask) -> None:
    app.cli.add_command(admin_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(votes_cli)
    app.cli.add_command(export_cli)
