"""`audio-ident users create|list|delete|passwd`: accounts of the HTTP API."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from rich.markup import escape

from application.accounts.create_user import CreateUser
from application.accounts.manage_users import ChangePassword, DeleteUser, ListUsers
from domain.accounts.user import Role
from domain.errors import AudioIdentError, ErrorCode
from entrypoints.cli.console import console
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole

_FROM_STDIN = "read the password from the first line of stdin (scripts)"


class NoPassword(AudioIdentError):
    """No password could be read: no terminal to ask on, or the two entries differ."""

    code = ErrorCode.VALIDATION_ERROR


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("users", help="manage accounts of the HTTP API")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create an account (asks for the password)")
    create.add_argument("username")
    create.add_argument("--admin", action="store_true", help="may ingest, rename and delete")
    create.add_argument("--password-stdin", action="store_true", help=_FROM_STDIN)
    create.set_defaults(run=run_create)

    listing = actions.add_parser("list", help="every account and its role")
    listing.add_argument("--json", action="store_true", help="one object per account")
    listing.set_defaults(run=run_list)

    delete = actions.add_parser("delete", help="delete an account (its tokens stop working)")
    delete.add_argument("username")
    delete.set_defaults(run=run_delete)

    passwd = actions.add_parser("passwd", help="set a new password (asks for it)")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help=_FROM_STDIN)
    passwd.set_defaults(run=run_passwd)


def _password(from_stdin: bool) -> str:
    """From stdin when told so; else asked twice on the terminal, which there must be."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise NoPassword("no terminal to ask for the password on: pipe it in with --password-stdin")
    try:
        first = getpass.getpass("password: ")
        again = getpass.getpass("again: ")
    except EOFError:
        raise NoPassword("no password was typed (end of input)") from None
    if first != again:
        raise NoPassword("the passwords differ")
    return first


async def run_create(args: argparse.Namespace, settings: Settings) -> int:
    password = _password(args.password_stdin)
    role = Role.ADMIN if args.admin else Role.USER
    async with command_scope(settings, ProcessRole()) as scope:
        user = await (await scope.get(CreateUser))(args.username, password, role)
    console().print(f"created {user.role.value} {escape(user.username)} ({user.id})")
    return 0


async def run_list(args: argparse.Namespace, settings: Settings) -> int:
    async with command_scope(settings, ProcessRole()) as scope:
        users = await (await scope.get(ListUsers))()
    out = console()
    for user in users:
        if args.json:
            record = {
                "id": str(user.id),
                "username": user.username,
                "role": user.role.value,
                "created_at": user.created_at.isoformat(),
            }
            sys.stdout.write(json.dumps(record) + "\n")
        else:
            added = user.created_at.date().isoformat()
            out.print(f"{escape(user.username):24} {user.role.value:6} {added}  {user.id}")
    return 0


async def run_delete(args: argparse.Namespace, settings: Settings) -> int:
    async with command_scope(settings, ProcessRole()) as scope:
        user = await (await scope.get(DeleteUser))(args.username)
    console().print(f"deleted {user.role.value} {escape(user.username)}")
    return 0


async def run_passwd(args: argparse.Namespace, settings: Settings) -> int:
    password = _password(args.password_stdin)
    async with command_scope(settings, ProcessRole()) as scope:
        user = await (await scope.get(ChangePassword))(args.username, password)
    console().print(f"new password set for {escape(user.username)}")
    return 0
