"""Builds the Dash app and its shell; `server = app.server` is what gunicorn serves (`gunicorn app:server`)."""
from factory import build_or_exit

app = build_or_exit()
server = app.server

if __name__ == "__main__":
    settings = server.extensions["portail"].settings
    app.run(host=settings.host, port=settings.port, debug=settings.dev)
