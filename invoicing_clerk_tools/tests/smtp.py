"""A real SMTP server on 127.0.0.1 (aiosmtpd) and an Odoo outgoing mail server pointing at it.

Odoo does not send mail while tests run (``IrMailServer._disable_send``);
:func:`deliver_to_sink` lifts that for the block only, so the mail queue
really talks SMTP to the local sink.
"""

import contextlib
import email
import email.policy
import socket
from unittest.mock import patch

from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append({"rcpt": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def smtp_sink():
    """Yield the list the delivered messages are appended to, and the port."""
    collector = _Collector()
    port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector.messages, port
    finally:
        controller.stop()


@contextlib.contextmanager
def deliver_to_sink(env, port=None):
    """Point Odoo's outgoing mail at 127.0.0.1:port and allow sending for the block.

    Without ``port``, a closed port: the mail queue fails to connect (a mail server error).
    """
    port = port or _free_port()
    server = env["ir.mail_server"].sudo().create({
        "name": "Local SMTP sink", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_encryption": "none",
        "sequence": 1,
    })
    IrMailServer = type(env["ir.mail_server"])
    with patch.object(IrMailServer, "_disable_send", classmethod(lambda cls: False)):
        yield server
    server.unlink()
