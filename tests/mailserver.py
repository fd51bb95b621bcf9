"""A real SMTP server (aiosmtpd) on 127.0.0.1 and an ephemeral port, for tests of `brochure send`.

Its `Mailbox` keeps what it accepted and can be told to misbehave the way real servers do: answer
4xx or 5xx at a given step, drop the connection, or do something (kill the sender) at the moment
it has taken a message.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiosmtpd.smtp import SMTP, AuthResult


@dataclass
class Delivered:
    sender: str
    recipients: list[str]
    data: bytes
    at: float  # time.monotonic() when accepted

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


# A rule sees (step, recipient, number of messages accepted so far) and returns an SMTP answer
# such as "421 4.3.2 try later", "drop" to cut the connection, or None to go on normally.
Rule = Callable[[str, str, int], str | None]


@dataclass
class FailOnce:
    """Answer `answer` the first time `when(step, recipient, accepted)` holds, then behave."""

    answer: str
    when: Callable[[str, str, int], bool]
    fired: bool = False

    def __call__(self, step: str, recipient: str, accepted: int) -> str | None:
        if self.fired or not self.when(step, recipient, accepted):
            return None
        self.fired = True
        return self.answer


@dataclass
class Mailbox:
    rules: list[Rule] = field(default_factory=list)
    delivered: list[Delivered] = field(default_factory=list)
    on_accept: Callable[[Delivered], None] = lambda delivered: None

    def to(self, address: str) -> list[Delivered]:
        return [d for d in self.delivered if address in d.recipients]

    def _rule(self, step: str, server, recipient: str) -> str | None:
        for rule in self.rules:
            answer = rule(step, recipient, len(self.delivered))
            if answer == "drop":
                server.transport.abort()
                return "421 dropped"  # written to a closed transport: the client sees no answer
            if answer:
                return answer
        return None

    async def handle_MAIL(self, server, session, envelope, address, options):
        if answer := self._rule("MAIL", server, ""):
            return answer
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if answer := self._rule("RCPT", server, address):
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        recipient = envelope.rcpt_tos[0]
        if answer := self._rule("DATA", server, recipient):
            return answer
        delivered = Delivered(envelope.mail_from, list(envelope.rcpt_tos), envelope.content,
                              time.monotonic())
        self.delivered.append(delivered)
        self.on_accept(delivered)
        return "250 2.0.0 accepted"


class MailServer:
    """`with MailServer(mailbox) as server:` then send to 127.0.0.1:server.port."""

    def __init__(self, mailbox: Mailbox, *, users: dict[str, str] | None = None, **smtp_options):
        self.mailbox = mailbox
        self.users = users
        self.smtp_options = smtp_options
        self.logins: list[str] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.port = 0

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = self.users is not None and self.users.get(auth_data.login.decode()) == \
            auth_data.password.decode()
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535

    def _protocol(self) -> SMTP:
        options = dict(self.smtp_options)
        if self.users is not None:
            # a login is checked when offered; requiring one without TLS makes aiosmtpd warn
            options["authenticator"] = self._authenticate
        options.setdefault("auth_require_tls", False)
        return SMTP(self.mailbox, hostname="mail.test", loop=self.loop, **options)

    def __enter__(self) -> MailServer:
        self.thread.start()
        started = asyncio.run_coroutine_threadsafe(
            self.loop.create_server(self._protocol, "127.0.0.1", 0), self.loop)
        self.server = started.result(timeout=10)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc) -> None:
        async def stop():
            self.server.close()
            await self.server.wait_closed()
            # connections still open (a TLS session closing) end here, not when the loop is gone
            handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()
