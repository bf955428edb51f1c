"""gunicorn's logger, with one change: a download cut because the client stopped reading (the extract's send
timeout, EXTRACT_SEND_TIMEOUT) is one line of information, not a traceback. Everything else is gunicorn's."""
from __future__ import annotations

import sys

from gunicorn.glogging import Logger


class PortalLogger(Logger):
    def exception(self, msg, *args, **kwargs):
        error = sys.exc_info()[1]
        if isinstance(error, TimeoutError):  # socket.timeout: sendall gave up on a client that reads no more
            self.info("envoi interrompu : le client ne lit plus (délai d'envoi dépassé)")
            return
        super().exception(msg, *args, **kwargs)
