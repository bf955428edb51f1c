"""gunicorn settings, read from the working folder by `gunicorn app:server`.

Extracts are long streamed responses: threaded workers (gthread) keep serving other requests while a thread
streams a file, and the worker's heartbeat does not depend on a request finishing, so a long download is never
killed as a "timeout"; a download the client stops reading is cut after EXTRACT_SEND_TIMEOUT seconds, which frees
its thread. Several workers on one host share the cache with CACHE_TYPE=FileSystemCache, and the rate limits in a
file the app makes before the fork (preload_app). In production, deploy/serve puts nginx in front: it reads slow
requests and feeds slow readers, so that a thread only ever waits for the app.
"""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 120
graceful_timeout = 30
# An idle kept-alive connection stays open 5 s; deploy/serve's nginx closes its own after 3 s, before gunicorn does
keepalive = 5
# The scheme comes from the app's ProxyFix (PROXY_COUNT trusted proxies), never from gunicorn's own reading of
# X-Forwarded-Proto / X-Forwarded-Ssl, which it trusts from any client on a unix socket and which would answer a
# plain 400 when two of them disagree
secure_scheme_headers = {}
# The app is imported once, before the fork: the workers start together and share its pages until they write to
# them. Nothing made before the fork is used after it by two processes: each worker opens its own DuckDB database
# on first use (data_access/engine/backend.py), and the cache clients reconnect in each.
preload_app = True
# A download cut by its send timeout (the client stopped reading) is logged as one line, not a traceback
logger_class = "deploy.gunicorn_logger.PortalLogger"
# gunicorn's control socket (gunicornc) is not used here, and its default path is one per user: two portals on one
# host, or the tests' servers, would fight over it
control_socket_disable = True
