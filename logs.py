"""One line per log record: the values a request carries (a URL, a login name, a header) are written with their
control characters escaped, so that no value can write a line of its own into the log (a forged « connecté »)."""
from __future__ import annotations

import logging
import re

# C0 and C1 controls (newline, carriage return, escape…), the Unicode line and paragraph separators, and the
# invisible format characters that reorder or hide text on a terminal (bidi overrides and isolates, zero widths)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                      r"\u2066-\u2069\ufeff]")


def escape_controls(text: str) -> str:
    """`text` with each control character written as its escape: a newline as `\\n`, an escape as `\\x1b`."""
    return _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


class OneLineRecord(logging.LogRecord):
    """A log record whose message never spans lines. Its traceback, when it has one, is written after it by the
    formatter, as usual: only the message is escaped."""

    def getMessage(self) -> str:  # noqa: N802 (logging's name)
        return escape_controls(super().getMessage())


def escape_log_messages() -> None:
    """Make every log record of the process a OneLineRecord, whatever handler writes it (once per process)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "escapes_controls", False):
        return

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        if type(record) is logging.LogRecord:
            record.__class__ = OneLineRecord
        return record

    factory.escapes_controls = True
    logging.setLogRecordFactory(factory)
