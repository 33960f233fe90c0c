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
from email.policy import compat32
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import DNS_NAME, sanitize_address

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
    wire = getattr(message, "wire_bytes", None) or message.message().as_bytes(linesep="\r\n")
    data = _LEADING_DOT.sub(b"..", wire)
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


# --- One MIME build for many messages --------------------------------------------------------

_NEWLINE = re.compile(r"\r\n|\r|\n")
_WIRE_POLICY = compat32.clone(linesep="\r\n")
_LONGEST_LINE = 998  # longer lines make Django switch the part to quoted-printable


class WireTemplate:
    """The bytes Django writes for an e-mail with a text and an HTML part
    (``message().as_bytes()``), built once, for messages that differ from ``model`` only in their
    recipient, their text, their HTML and their List-Unsubscribe header.

    Building MIME is most of the processor time of an e-mail. Here each message reuses the
    model's bytes: its own To, List-Unsubscribe, Date and Message-ID header lines (folded as
    the generator folds them) and its own parts (UTF-8, CRLF; "7bit" when ASCII, else "8bit", as
    Django marks them) go in place of the model's,
    and the multipart boundary is shared. ``fill`` returns None for a message it cannot write
    the same way (a non-ASCII address, a line too long for 8bit): that one is built by Django.
    tests/matching/test_alert_delivery.py compares the bytes with Django's.
    """

    _TEXT = "pmwiretext"
    _HTML = "pmwirehtml"

    def __init__(self, model: EmailMessage) -> None:
        self.subject = model.subject
        encoding = model.encoding or settings.DEFAULT_CHARSET
        self._encoding = encoding
        standin = EmailMultiAlternatives(
            subject=model.subject,
            body=self._TEXT,
            from_email=model.from_email,
            to=["pmwire@example.invalid"],
            headers={**model.extra_headers, "List-Unsubscribe": "<pmwire>"},
        )
        standin.attach_alternative(self._HTML, "text/html")
        mime = standin.message()
        self._raw = mime.as_bytes(linesep="\r\n")
        self._lines = {
            name: _WIRE_POLICY.fold_binary(name, str(mime[name]))
            for name in ("To", "List-Unsubscribe", "Date", "Message-ID")
        }
        self._usable = (
            model.from_email == standin.from_email
            and len(model.alternatives) == 1
            and model.alternatives[0][1] == "text/html"
            and not model.attachments
            and not model.cc
            and not model.bcc
            and not model.reply_to
            and all(self._raw.count(line) == 1 for line in self._lines.values())
            and all(self._raw.count(self._part(slot)) == 1 for slot in (self._TEXT, self._HTML))
        )

    @staticmethod
    def _part(content: str, cte: str = "7bit") -> bytes:
        """A part's last header and its content (ASCII is "7bit", anything else "8bit")."""
        return f"Content-Transfer-Encoding: {cte}\r\n\r\n".encode() + content.encode()

    def fill(self, message: EmailMessage) -> bytes | None:
        if not self._usable or message.subject != self.subject or len(message.to) != 1:
            return None
        address = sanitize_address(message.to[0], self._encoding)
        unsubscribe = message.extra_headers.get("List-Unsubscribe", "")
        if not (address.isascii() and unsubscribe.isascii()) or "\n" in address + unsubscribe:
            return None
        parts = []
        for content in (message.body, message.alternatives[0][0]):
            lines = _NEWLINE.split(content)
            if any(len(line.encode()) > _LONGEST_LINE for line in lines):
                return None
            parts.append(self._part("\r\n".join(lines), "7bit" if content.isascii() else "8bit"))
        values = {
            "To": address,
            "List-Unsubscribe": unsubscribe,
            "Date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
            "Message-ID": make_msgid(domain=DNS_NAME),
        }
        raw = self._raw
        for name, line in self._lines.items():
            raw = raw.replace(line, _WIRE_POLICY.fold_binary(name, values[name]), 1)
        raw = raw.replace(self._part(self._TEXT), parts[0], 1)
        return raw.replace(self._part(self._HTML), parts[1], 1)
