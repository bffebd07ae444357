"""``portal accounts``: create users, grant site administration and organisation roles."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from catalog import queries
from catalog.accounts import services
from catalog.accounts.models import Role
from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from catalog.models import AgentKind
from catalog.permissions import SYSTEM
from portal.state import state


@click.group("accounts")
def accounts_cli() -> None:
    """People who sign in and their roles."""


@accounts_cli.command("create")
@click.argument("email")
@click.option("--name", default=None, help="display name (default: the e-mail's local part)")
@click.option("--sysadmin", is_flag=True, help="make the account a site administrator")
@click.password_option(envvar="PORTAL_NEW_ACCOUNT_PASSWORD")
@with_appcontext
def create(email: str, name: str | None, sysadmin: bool, password: str) -> None:
    """Create a confirmed local account (for the first administrator)."""
    try:
        with transaction(state().engine) as session:
            user = services.register_local(session, email, name or email.split("@")[0],
                                           password)
            user.verified = True
            if sysadmin:
                services.set_sysadmin(session, SYSTEM, user, True)
    except ValidationError as exc:
        click.echo(f"{exc.field}: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"account {user.email} created" + (" (site administrator)" if sysadmin else ""))


@accounts_cli.command("grant")
@click.argument("email")
@click.argument("organisation")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@with_appcontext
def grant(email: str, organisation: str, role: str) -> None:
    """Give an account a role on a publisher or institution (by its slug)."""
    with transaction(state().engine) as session:
        user = services.user_by_email(session, email)
        if user is None:
            click.echo(f"no account {email}", err=True)
            sys.exit(1)
        kind = AgentKind.INSTITUTION if role == Role.CURATOR else AgentKind.PUBLISHER
        try:
            agent = queries.agent(session, organisation, kind)
            services.set_membership(session, SYSTEM, user.id or 0, agent, Role(role))
        except (NotFound, ValidationError) as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
    click.echo(f"{email} is now {role} of {organisation}")
