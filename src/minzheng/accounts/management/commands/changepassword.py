"""`minzheng changepassword <用户名>` through `user_set_password`, so a reset from the console also
validates the password, revokes the user's API tokens and is audited (Django's own command only saves)."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minzheng.accounts.models import User
from minzheng.accounts.services import user_set_password
from minzheng.accounts.system import system_actor


class Command(BaseCommand):
    help = "修改用户密码（同时吊销该用户的全部接口令牌）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户 {options['username']} 不存在")
        first = getpass.getpass("新密码：")
        if first != getpass.getpass("再次输入新密码："):
            raise CommandError("两次输入的密码不一致，密码未修改")
        try:
            user_set_password(
                actor=system_actor(purpose=f"命令行重置密码（{getpass.getuser()}）"),
                user=user,
                password=first,
            )
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from e
        self.stdout.write(f"用户 {user.username} 的密码已修改，其接口令牌已全部吊销")
