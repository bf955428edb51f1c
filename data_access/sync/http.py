"""The sync's HTTP side: a GET into a temporary file, with bounded tries, waits, redirects and timeouts, checked
against what the server announced."""
from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import os
import tempfile
import time
from pathlib import Path
from typing import Callable

from data_access.clock import utc_now
from data_access.files import FILE_MODE

TIMEOUT = (10, 60)  # seconds to connect, and between two bytes received
MAX_REDIRECTS = 5
MAX_TRIES = 4  # 429 and 5xx answers are tried again at most this many times in all
MAX_WAIT = 120  # seconds: a longer wait asked by a 429 fails the dataset instead
MAX_DOWNLOAD = 1800  # seconds for a whole download: a server that trickles bytes cannot hold a sync forever
CHUNK = 1 << 16


class SyncError(Exception):
    """A dataset could not be refreshed; the message (French) says why; `status`, the server's refusal if any."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def _wait_of(response) -> float | None:
    """How long a 429 asks to wait: Retry-After (seconds or a date), else the body's reset_time (Opendatasoft)."""
    header = response.headers.get("Retry-After")
    if header:
        if header.strip().isascii() and header.strip().isdigit():  # « ² » is a digit to Python
            return float(header)
        with contextlib.suppress(TypeError, ValueError):
            return max(0.0, (email.utils.parsedate_to_datetime(header) - utc_now()).total_seconds())
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        reset = response.json().get("reset_time")
        if reset:
            moment = dt.datetime.fromisoformat(str(reset).replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.timezone.utc)
            return max(0.0, (moment - utc_now()).total_seconds())
    return None


def fetch(session, url: str, params, headers: dict, target_dir: Path, sleep: Callable[[float], None]):
    """GET the URL into a temporary file of `target_dir`, trying again after a 429 (waiting as asked) or a 5xx
    (1, 2, 4 s), at most MAX_TRIES times. Returns (response, temporary path or None when 304)."""
    import requests

    for attempt in range(1, MAX_TRIES + 1):
        try:
            response = session.get(url, params=params, headers=headers, timeout=TIMEOUT, stream=True)
        except requests.TooManyRedirects:
            raise SyncError(f"plus de {MAX_REDIRECTS} redirections") from None
        except requests.Timeout:
            raise SyncError(f"pas de réponse dans le délai ({TIMEOUT[1]} s)") from None
        except requests.RequestException as exc:
            raise SyncError(f"connexion impossible : {type(exc).__name__}") from None
        if response.status_code == 304:
            return response, None
        if response.status_code == 429 or response.status_code >= 500:
            wait = _wait_of(response) if response.status_code == 429 else 2 ** (attempt - 1)
            response.close()
            if attempt == MAX_TRIES:
                raise SyncError(f"le serveur répond {response.status_code} après {MAX_TRIES} essais")
            if wait is None:
                wait = 2 ** (attempt - 1)
            if wait > MAX_WAIT:
                raise SyncError(f"le serveur demande d'attendre {wait:.0f} s (quota atteint), plus que {MAX_WAIT} s")
            sleep(wait)
            continue
        if response.status_code != 200:
            response.close()
            raise SyncError(f"le serveur répond {response.status_code}", response.status_code)
        return response, _download(response, target_dir)
    raise SyncError("aucune réponse utilisable")  # not reached


def _download(response, target_dir: Path) -> Path:
    """The body into a temporary file, checked against Content-Length; removed on any failure."""
    import requests

    expected = response.headers.get("Content-Length")
    if "text/html" in response.headers.get("Content-Type", ""):
        response.close()
        raise SyncError("le serveur a répondu par une page web (text/html) et non par des données")
    handle = tempfile.NamedTemporaryFile(dir=target_dir, prefix=".sync-", suffix=".part", delete=False)
    path = Path(handle.name)
    deadline = time.monotonic() + MAX_DOWNLOAD
    try:
        with handle:
            for chunk in response.iter_content(CHUNK):
                handle.write(chunk)
                if time.monotonic() > deadline:
                    raise SyncError(f"téléchargement trop long (plus de {MAX_DOWNLOAD} s)")
            handle.flush()
            os.fsync(handle.fileno())
        # Content-Length counts the bytes as sent (compressed when gzip was used), as the raw stream does
        received = response.raw.tell() if hasattr(response.raw, "tell") else path.stat().st_size
        if expected is not None and expected.isascii() and expected.isdigit() and int(expected) != received:
            raise SyncError(f"téléchargement incomplet : {received} octets reçus sur {expected} annoncés")
        os.chmod(path, FILE_MODE)
    except (requests.RequestException, OSError, SyncError) as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, SyncError):
            raise
        cause = "délai dépassé pendant le téléchargement" if isinstance(exc, requests.Timeout) else \
            f"téléchargement interrompu ({type(exc).__name__})"
        raise SyncError(cause) from None
    finally:
        response.close()
    return path


def session():
    import requests

    client = requests.Session()
    client.max_redirects = MAX_REDIRECTS
    client.headers["User-Agent"] = "portail-open-data-rouen/sync"
    return client


def newest_resource(session, api_url: str, word: str, target_dir: Path, sleep: Callable[[float], None]) -> str:
    """The address of the newest resource of a data.gouv.fr dataset whose title holds `word` (the monthly
    `rna_waldec_*.zip`, whose name changes every month), from the dataset's API description."""
    import json

    _response, path = fetch(session, api_url, [], {"Accept": "application/json"}, target_dir, sleep)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise SyncError(f"réponse illisible de {api_url} (JSON attendu)") from None
    finally:
        path.unlink(missing_ok=True)
    resources = [r for r in (doc.get("resources") or [] if isinstance(doc, dict) else [])
                 if isinstance(r, dict) and word.lower() in str(r.get("title", "")).lower() and r.get("url")]
    if not resources:
        raise SyncError(f"aucune ressource dont le titre contient « {word} » dans {api_url}")
    newest = max(resources, key=lambda r: str(r.get("last_modified") or r.get("created_at") or ""))
    return str(newest["url"])
