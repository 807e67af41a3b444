"""`audio-ident users create NAME [--admin] [--password-stdin]`: accounts of the HTTP API."""

from __future__ import annotations

import argparse
import getpass
import sys

from application.accounts.create_user import CreateUser
from domain.accounts.user import Role
from domain.errors import AudioIdentError
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("users", help="manage accounts of the HTTP API")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create an account (asks for the password)")
    create.add_argument("username")
    create.add_argument("--admin", action="store_true", help="may ingest and delete tracks")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (scripts)"
    )
    create.set_defaults(run=run_create)


def _password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        print("audio-ident: the passwords differ", file=sys.stderr)
        return None
    return first


async def run_create(args: argparse.Namespace, settings: Settings) -> int:
    password = _password(args.password_stdin)
    if password is None:
        return 1
    role = Role.ADMIN if args.admin else Role.USER
    async with command_scope(settings, ProcessRole()) as scope:
        create = await scope.get(CreateUser)
        try:
            user = await create(args.username, password, role)
        except AudioIdentError as error:
            print(f"audio-ident: {error.message}", file=sys.stderr)
            return 1
    print(f"created {user.role.value} {user.username} ({user.id})")
    return 0
