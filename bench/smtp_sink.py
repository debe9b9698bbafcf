"""A local SMTP server (aiosmtpd) that accepts every message and counts them: by recipient and by Message-ID."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections import Counter
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """Every message accepted is counted under each of its recipients and its Message-ID, with the time it came."""

    def __init__(self):
        self.port = free_port()
        self.recipients: Counter[str] = Counter()
        self.message_ids: Counter[str] = Counter()
        self.received = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self._headers = BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        message_id = str(self._headers.parsebytes(envelope.content).get("Message-ID", ""))
        now = time.monotonic()
        with self._lock:
            self.received += 1
            self.recipients.update(address.lower() for address in envelope.rcpt_tos)
            self.message_ids[message_id] += 1
            self.first_at = self.first_at or now
            self.last_at = now
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpSink:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command otherwise
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
