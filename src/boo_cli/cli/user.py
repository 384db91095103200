"""`boo user`: accounts, passwords, login and logout."""

from __future__ import annotations

from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption
from boo_cli.cli.output import Column, emit_done, emit_record, emit_rows
from boo_cli.cli.paging import AllOption, LimitOption, OffsetOption

app = typer.Typer(help="Manage user accounts, passwords and logins.", no_args_is_help=True)

EmailOpt = Annotated[str | None, typer.Option("--email", help="Email address (unique, any case).")]
FirstOpt = Annotated[str | None, typer.Option("--first-name", help="First name.")]
LastOpt = Annotated[str | None, typer.Option("--last-name", help="Last name.")]
ZoneOpt = Annotated[
    str | None,
    typer.Option("--timezone", help="IANA time zone, e.g. Europe/Berlin (default: this machine's)."),
]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="Phone number (up to 20 characters).")]
PasswordStdinOpt = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]


def collect_new_user(
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    timezone: str | None,
    password_stdin: bool,
) -> dict:
    """The fields of a new account: from flags, else asked on a terminal, else exit 2 naming the flag."""
    from boo_cli.cli.prompts import ask_new_password, ask_text, read_stdin_lines
    from boo_cli.services import accounts

    if email is None:
        email = ask_text("Email:", flag="--email", check=accounts.normalize_email)
    if first_name is None:
        first_name = ask_text("First name:", flag="--first-name")
    if last_name is None:
        last_name = ask_text("Last name:", flag="--last-name")
    if timezone is None:
        local = accounts.local_timezone()
        timezone = (
            ask_text("Time zone:", flag="--timezone", default=local, check=accounts.normalize_timezone)
            if app_context().can_prompt()
            else local
        )
    password = read_stdin_lines(1)[0] if password_stdin else ask_new_password()
    return {
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "timezone": timezone,
        "password": password,
    }


def user_json(user, *, current: bool | None = None) -> dict:
    data = {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "timezone": user.timezone,
        "is_active": user.is_active,
        "email_verified": user.email_verified,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    }
    if current is not None:
        data["current"] = current
    return data


def show_user(user) -> None:
    emit_record(
        [
            ("id", str(user.id)),
            ("email", user.email),
            ("name", user.full_name),
            ("phone", user.phone),
            ("time zone", user.timezone),
            ("created", user.created_at),
        ],
        json_data=user_json(user),
    )


@app.command("add")
def add(
    email: EmailOpt = None,
    first_name: FirstOpt = None,
    last_name: LastOpt = None,
    timezone: ZoneOpt = None,
    phone: PhoneOpt = None,
    password_stdin: PasswordStdinOpt = False,
    _json: JsonOption = False,
) -> None:
    """Add a user account (prompts on a terminal for what the flags leave out)."""
    from boo_cli.services import accounts, logins

    ctx = app_context()
    fields = collect_new_user(email, first_name, last_name, timezone, password_stdin)
    with ctx.session() as session:
        user = accounts.create_user(session, phone=phone, **fields)
        logins.remember_local_user(ctx.database_url(), user.id)
        ctx.say(f"Added {user.email}. Log in as them with: boo user login {user.email}")
        show_user(user)


@app.command("list")
def list_(
    limit: LimitOption = None, offset: OffsetOption = 0, every: AllOption = False, _json: JsonOption = False
) -> None:
    """List the accounts in this database; * marks the current one."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.errors import BooError
    from boo_cli.services import accounts

    page = page_of(limit, offset, every)
    with app_context().session(write=False) as session:
        try:
            me = acting_user(session).id
        except BooError:
            me = None
        found = accounts.users_page(session, page)
        emit_rows(
            found,
            [
                Column("current", lambda u: "*" if u.id == me else "", marker=True),
                Column("email", lambda u: u.email),
                Column("name", lambda u: u.full_name),
                Column("time zone", lambda u: u.timezone),
                Column("active", lambda u: u.is_active is not False),
                Column("created", lambda u: u.created_at),
            ],
            record=lambda u: user_json(u, current=u.id == me),
            empty="No users yet: run 'boo init'.",
        )
        say_rest(found)


@app.command()
def whoami(_json: JsonOption = False) -> None:
    """Show the current user."""
    from boo_cli.cli.identity import acting_user

    with app_context().session(write=False) as session:
        show_user(acting_user(session))


@app.command()
def edit(
    email: EmailOpt = None,
    first_name: FirstOpt = None,
    last_name: LastOpt = None,
    timezone: ZoneOpt = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Phone number; '' removes it.")] = None,
    _json: JsonOption = False,
) -> None:
    """Change the current user's email, name, phone or time zone."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.errors import Invalid
    from boo_cli.services import accounts

    if all(v is None for v in (email, first_name, last_name, timezone, phone)):
        raise Invalid("nothing to change: give --email, --first-name, --last-name, --timezone or --phone")
    with app_context().session() as session:
        user = accounts.edit_user(
            session,
            acting_user(session),
            email=email,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            timezone=timezone,
        )
        show_user(user)


@app.command()
def passwd(
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the current password, then the new one, from two lines of stdin."
        ),
    ] = False,
) -> None:
    """Change the current user's password (asks for the current one first)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.prompts import ask_new_password, ask_password, read_stdin_lines
    from boo_cli.services import accounts, logins, user_sessions
    from boo_cli.services.dates import now_utc

    ctx = app_context()
    if password_stdin:
        current, new = read_stdin_lines(2)
    else:
        current = ask_password("Current password:")
        new = ask_new_password()
    url = ctx.database_url()
    with ctx.session() as session:
        user = acting_user(session)
        accounts.change_password(session, user, current=current, new=new)
        now = now_utc()
        here = user_sessions.find(session, logins.remembered_login(url), now)
        ended = user_sessions.end_all(session, user, now)
        # Every login ends, this machine's too; a machine logged in as this user gets a new one.
        stays = here is not None and here[0].id == user.id
        fresh = user_sessions.open_session(session, user, now)[0] if stays else None
    if fresh:
        logins.remember_login(url, fresh)
    others = ended - (1 if fresh else 0)
    ctx.say(
        f"Password changed. Logins ended on other machines: {others}."
        + (" This machine stays logged in." if fresh else "")
    )


@app.command()
def delete(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Delete your own account and all its data, for good (asks, and needs your password)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.prompts import ask_password, read_stdin_lines
    from boo_cli.services import accounts, logins

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        question = f"Delete {user.email} and all its businesses, audits, plans, tasks and notes?"
        if not ctx.confirm(question, yes=yes):
            raise typer.Exit(1)
        password = read_stdin_lines(1)[0] if password_stdin else ask_password("Password, to confirm:")
        accounts.delete_user(session, user, password=password)
    logins.forget_login(ctx.database_url())
    ctx.say(f"Deleted {user.email} and its data.")


@app.command()
def login(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Log in to this database as EMAIL; later commands on this machine act as that user. The login
    lasts 30 days after its last use, and ends with logout, logout --all or a new password."""
    from boo_cli.cli.prompts import ask_password, read_stdin_lines
    from boo_cli.services import accounts, logins, user_sessions
    from boo_cli.services.dates import now_utc

    ctx = app_context()
    url = ctx.database_url()
    password = read_stdin_lines(1)[0] if password_stdin else ask_password()
    earlier = logins.remembered_login(url)
    with ctx.session() as session:
        user = accounts.authenticate(session, email, password)
        user_sessions.end(session, earlier)  # one login per machine and database: the new one replaces it
        token, _row = user_sessions.open_session(session, user, now_utc())
    logins.remember_login(url, token, notify=ctx.say)  # kept once the database holds it
    emit_done(f"Logged in as {user.email}.", user_json(user))


@app.command()
def logout(
    everywhere: Annotated[
        bool, typer.Option("--all", help="End your logins on every machine, this one included.")
    ] = False,
) -> None:
    """End this machine's login to this database (--all: on every machine)."""
    from boo_cli.errors import BooError
    from boo_cli.services import logins, user_sessions
    from boo_cli.services.dates import now_utc

    ctx = app_context()
    url = ctx.database_url()
    if everywhere:
        from boo_cli.cli.identity import acting_user

        with ctx.session() as session:
            user = acting_user(session)
            ended = user_sessions.end_all(session, user, now_utc())
        logins.forget_login(url)
        done = {"logged_out": True, "ended": ended}
        emit_done(f"Logged {user.email} out on every machine (logins ended: {ended}).", done)
        return
    token = logins.remembered_login(url)
    ended = 0
    if token is not None:
        try:
            with ctx.session() as session:
                ended = int(user_sessions.end(session, token))
        except BooError as error:  # the machine forgets it all the same; the login expires by itself
            ctx.say(f"Warning: the login could not be ended in the database ({error}).")
    if logins.forget_login(url) or ended:
        emit_done("Logged out.", {"logged_out": True, "ended": ended})
    else:
        emit_done("Not logged in to this database.", {"logged_out": False, "ended": 0})


def session_json(row, *, current: bool) -> dict:
    return {
        "id": row.id,
        "host": row.host,
        "created_at": row.created_at,
        "last_used_at": row.last_used_at,
        "expires_at": row.expires_at,
        "current": current,
    }


@app.command()
def sessions(
    limit: LimitOption = None, offset: OffsetOption = 0, every: AllOption = False, _json: JsonOption = False
) -> None:
    """Your logins to this database on every machine, the most recently used first; * marks this
    machine's. End them all with: boo user logout --all"""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.services import logins, user_sessions
    from boo_cli.services.dates import now_utc

    page = page_of(limit, offset, every)
    ctx = app_context()
    token = logins.remembered_login(ctx.database_url())
    mine = user_sessions.token_hash(token) if user_sessions.is_token(token) else None
    with ctx.session(write=False) as session:
        found = user_sessions.sessions_page(session, acting_user(session), page, now_utc())
        emit_rows(
            found,
            [
                Column("current", lambda r: "*" if r.token_hash == mine else "", marker=True),
                Column("id", lambda r: str(r.id)[:8], style="dim"),
                Column("host", lambda r: r.host),
                Column("logged in", lambda r: r.created_at),
                Column("last used", lambda r: r.last_used_at),
                Column("expires", lambda r: r.expires_at),
            ],
            record=lambda r: session_json(r, current=r.token_hash == mine),
            empty="No logins: one user alone needs none; with several, boo user login EMAIL.",
        )
        say_rest(found)
