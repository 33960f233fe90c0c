"""Sending many e-mails over one SMTP connection, with ESMTP PIPELINING where the server has it.

``smtplib`` waits for the server's answer after each command: MAIL, RCPT, DATA and the end of
the message are four round trips per e-mail, and a busy worker loses the processor at each one.
With PIPELINING (RFC 2920) the envelope of the next e-mail goes out right behind the end of the
previous one, and the answers are read in order: one round trip per e-mail.

``deliver(connection, messages)`` takes an open Django SMTP backend (or any other backend, which
gets the messages one at a time) and yields ``(position, accepted)`` for each message once the
server has answered for it: accepted, or refused (this sender, every recipient, or the message:
the others go on). A lost connection raises ``smtplib.SMTPException`` or ``OSError``; the
messages yielded before it are settled, the others are not.
"""

from __future__ import annotations

import re
import smtplib
import socket
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address

# An error about one message (this address refused, this message rejected): the others go on.
ONE_MESSAGE_REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)
_LEADING_DOT = re.compile(rb"(?m)^\.")


def deliver(connection, messages: Sequence[EmailMessage]) -> Iterator[tuple[int, bool]]:
    smtp = getattr(connection, "connection", None)
    if isinstance(connection, SmtpBackend) and smtp is not None:
        smtp.ehlo_or_helo_if_needed()  # what the server offers is known after EHLO
        if smtp.has_extn("pipelining"):
            yield from _pipelined(smtp, messages)
            return
    for position, message in enumerate(messages):
        try:
            connection.send_messages([message])
        except ONE_MESSAGE_REFUSED:
            yield position, False
        else:
            yield position, True


def _envelope(message: EmailMessage) -> tuple[bytes, int]:
    """MAIL, RCPT and DATA of one message in one write, and how many answers they get."""
    encoding = message.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(message.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in message.recipients()]
    lines = [f"MAIL FROM:{smtplib.quoteaddr(sender)}"]
    lines += [f"RCPT TO:{smtplib.quoteaddr(recipient)}" for recipient in recipients]
    lines.append("DATA")
    return ("\r\n".join(lines) + "\r\n").encode("ascii"), len(lines)


def _content(message: EmailMessage) -> bytes:
    data = _LEADING_DOT.sub(b"..", message.message().as_bytes(linesep="\r\n"))
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _pipelined(smtp: smtplib.SMTP, messages: Sequence[EmailMessage]) -> Iterator[tuple[int, bool]]:
    # Each round is one write (a message's end and the next one's envelope together): two small
    # writes in a row would wait for the server's delayed ACK (Nagle), 40 ms a message.
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    waiting_for_end: int | None = None  # the message whose end-of-data answer is still due
    outgoing = b""
    answers = 0
    if messages:
        envelope, answers = _envelope(messages[0])
        smtp.send(envelope)
    for position in range(len(messages)):
        if waiting_for_end is not None:
            code, _text = smtp.getreply()
            yield waiting_for_end, code == 250
            waiting_for_end = None
        codes = [smtp.getreply()[0] for _ in range(answers)]
        mail_ok, rcpt_codes, data_code = codes[0] == 250, codes[1:-1], codes[-1]
        if mail_ok and data_code == 354 and any(code in (250, 251) for code in rcpt_codes):
            outgoing = _content(messages[position])
            waiting_for_end = position
        else:
            if data_code == 354:  # DATA accepted although MAIL or RCPT was not: end it empty
                smtp.send(b".\r\n")
                smtp.getreply()
            smtp.rset()
            yield position, False
        if position + 1 < len(messages):
            envelope, answers = _envelope(messages[position + 1])
            outgoing += envelope
        if outgoing:
            smtp.send(outgoing)
            outgoing = b""
    if waiting_for_end is not None:
        code, _text = smtp.getreply()
        yield waiting_for_end, code == 250
