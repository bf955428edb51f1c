"""A local fake of an Opendatasoft portal's exports endpoint (Explore API v2.1) and of a plain file server,
in-process on 127.0.0.1, for the sync tests. It serves its fixtures, honours `refine`, `select` and a `where` made
of field="value" comparisons, AND, OR and parentheses, and can be told to misbehave for one dataset:

- "429": answers 429 with a `reset_time` (and no Retry-After) `times` times, then the data;
- "500": answers 500 `times` times, then the data;
- "truncated": announces a Content-Length longer than the body it sends;
- "schema": renames a column (`column`, the first by default);
- "empty": the header only;
- "slow": waits `delay` seconds before answering;
- "html": answers 200 with a web page (a portal's error or login page);
- "gzip": sends the body gzip-compressed (Content-Length is then the compressed size, as HTTP says);
- "where": refuses any `where` with a 400 (a portal whose ODSQL rejects the filter).
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse


class FakeServer:
    def __init__(self):
        self.tables: dict[str, list[dict]] = {}  # ODS dataset id -> rows
        self.files: dict[str, bytes] = {}  # path -> body (the `url` sources)
        self.faults: dict[str, dict] = {}  # dataset id or file path -> {"kind": …, "times": n, "delay": s}
        self.requests: list[tuple[str, dict, dict]] = []  # (path, params, headers)
        self.cache_exports = False  # the bench: each export rendered once, so that only the client is measured
        self._exports: dict[tuple, bytes] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---- answers ----

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        params = parse_qsl(url.query, keep_blank_values=True)
        self.requests.append((url.path, params, dict(request.headers)))
        prefix = "/api/explore/v2.1/catalog/datasets/"
        if url.path.startswith(prefix) and "/exports/" in url.path:
            dataset_id, _, fmt = url.path[len(prefix):].partition("/exports/")
            if dataset_id not in self.tables:
                return self._send(request, 404, b'{"error_code": "DatasetNotFound"}', "application/json")
            if (self.faults.get(dataset_id) or {}).get("kind") == "where" and any(k == "where" for k, _ in params):
                return self._send(request, 400, b'{"error_code": "ODSQLError", "message": "requete invalide"}',
                                  "application/json")
            key = (dataset_id, tuple(params))
            body = self._exports.get(key) if self.cache_exports else None
            if body is None:
                body = self._exports[key] = self._csv(dataset_id, params, fmt)
            media = "application/json; charset=utf-8" if fmt == "json" else "text/csv; charset=utf-8"
            return self._answer(request, dataset_id, body, media)
        if url.path in self.files:
            body = self.files[url.path]
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if request.headers.get("If-None-Match") == etag:
                return self._send(request, 304, b"", None, {"ETag": etag})
            return self._answer(request, url.path, body, "application/octet-stream",
                                {"ETag": etag, "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"})
        self._send(request, 404, b"not found", "text/plain")

    def _answer(self, request, key: str, body: bytes, media: str, headers: dict | None = None) -> None:
        fault = self.faults.get(key)
        kind = fault["kind"] if fault else None
        if kind in ("429", "500") and fault.get("times", 1) > 0:
            fault["times"] = fault.get("times", 1) - 1
            if kind == "429":
                reset = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=fault.get("wait", 3))).isoformat()
                return self._send(request, 429, ('{"error_code": "TooManyRequests", "reset_time": "%s"}'
                                                 % reset).encode(), "application/json")
            return self._send(request, 500, b"erreur interne", "text/plain")
        if kind == "slow":
            time.sleep(fault.get("delay", 2))
        if kind == "html":
            return self._send(request, 200, b"<!doctype html><html><body>Maintenance</body></html>\n",
                              "text/html; charset=utf-8")
        if kind == "gzip":
            return self._send(request, 200, gzip.compress(body), media, {**(headers or {}),
                                                                          "Content-Encoding": "gzip"})
        if kind == "truncated":
            request.send_response(200)
            request.send_header("Content-Type", media)
            request.send_header("Content-Length", str(len(body) + 500))
            request.end_headers()
            request.wfile.write(body)
            request.wfile.flush()
            request.close_connection = True
            return None
        self._send(request, 200, body, media, headers)

    @staticmethod
    def _send(request, status: int, body: bytes, media: str | None, headers: dict | None = None) -> None:
        request.send_response(status)
        if media:
            request.send_header("Content-Type", media)
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _csv(self, dataset_id: str, params: list[tuple[str, str]], fmt: str = "csv") -> bytes:
        """The export as Opendatasoft writes it: `;`, a BOM, CRLF, cells quoted when they must be, and a
        multivalued field (a list here) joined with `,`; or its `json` export, an array of records (a multivalued
        field a list)."""
        rows = list(self.tables[dataset_id])
        for key, value in params:
            if key == "refine":
                field, _, wanted = value.partition(":")
                rows = [r for r in rows if wanted.strip('"') in _values(r.get(field))]
            elif key == "where":
                rows = [r for r in rows if where_matches(value, r)]
        columns = list(self.tables[dataset_id][0]) if self.tables[dataset_id] else []
        select = dict(params).get("select")
        if select:
            columns = [c.strip() for c in select.split(",") if c.strip() in columns]
        fault = self.faults.get(dataset_id) or {}
        if fault.get("kind") == "schema":
            renamed = fault.get("column", columns[0] if columns else None)
            columns_out = [c + "_v2" if c == renamed else c for c in columns]
        else:
            columns_out = columns
        if fault.get("kind") == "empty":
            rows = []
        if fmt == "json":
            return json.dumps([{out_name: row.get(c) for c, out_name in zip(columns, columns_out)} for row in rows],
                              ensure_ascii=False).encode("utf-8")
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns_out)
        for row in rows:
            writer.writerow([",".join(_values(row.get(c))) if isinstance(row.get(c), list) else
                             "" if row.get(c) is None else row.get(c) for c in columns])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def _values(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


_TOKEN = re.compile(r'\s*(\(|\)|\bAND\b|\bOR\b|[A-Za-z_][A-Za-z0-9_]*\s*=\s*(?:"[^"]*"|\'[^\']*\'|[^\s()]+))',
                    re.IGNORECASE)


def where_matches(expression: str, row: dict) -> bool:
    """The subset of ODSQL the catalogue uses: `field = "value"` comparisons joined with AND, OR and
    parentheses (AND binds tighter). A multivalued field matches when any of its values does."""
    tokens, position = [], 0
    while position < len(expression.rstrip()):
        found = _TOKEN.match(expression, position)
        if not found:
            raise ValueError(f"where non compris par le faux serveur : {expression!r}")
        tokens.append(found.group(1))
        position = found.end()

    def parse_binary(k, operator, operand, combine):
        value, k = operand(k)
        while k < len(tokens) and tokens[k].upper() == operator:
            other, k = operand(k + 1)
            value = combine(value, other)
        return value, k

    def parse_or(k):
        return parse_binary(k, "OR", parse_and, lambda a, b: a or b)

    def parse_and(k):
        return parse_binary(k, "AND", parse_atom, lambda a, b: a and b)

    def parse_atom(k):
        if tokens[k] == "(":
            value, k = parse_or(k + 1)
            return value, k + 1  # the closing parenthesis
        field, _, wanted = tokens[k].partition("=")
        return wanted.strip().strip("'\"") in _values(row.get(field.strip())), k + 1

    return parse_or(0)[0]
