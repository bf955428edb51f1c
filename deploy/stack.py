"""`deploy/serve`: the portal as production serves it, in one command. nginx (Debian's) listens on HOST:PORT and
buffers every request and answer; gunicorn serves the app behind it on a socket of deploy/serve's working folder.
Slow clients then hold nginx's connections, never gunicorn's threads. The command installs nothing: it says in
French what is missing, checks the app's settings first (the same messages as the app), and stops both servers
together (SIGTERM or Ctrl-C, or when either one stops)."""
from __future__ import annotations

import http.client
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf")
NGINX = ("nginx", "/usr/sbin/nginx")
START_SECONDS = 120  # the first start may generate the demo snapshot
STOP_SECONDS = 40  # more than gunicorn's graceful_timeout (30 s) and nginx's worker_shutdown_timeout (20 s)
PR_SET_PDEATHSIG = 1  # prctl's option (linux/prctl.h)
# nginx's own refusals: its pages, in the portal's words (api.ERROR_PAGE)
ERROR_PAGES = {
    400: ("Requête invalide", "La demande reçue est mal formée ou ses en-têtes sont trop longs."),
    404: ("Page introuvable", "L'adresse demandée ne correspond à aucune page ni à aucun fichier de ce portail."),
    413: ("Requête trop volumineuse", "La demande envoyée dépasse la taille acceptée par le portail (1 Mio)."),
    414: ("Adresse trop longue", "L'adresse demandée dépasse 4 Ko : retirez des filtres, ou téléchargez l'extrait "
                                "complet puis filtrez-le chez vous."),
    503: ("Portail momentanément indisponible", "Le serveur du portail ne répond pas pour l'instant. Réessayez dans "
                                                "quelques instants."),
}


class CannotServe(Exception):
    """What is missing to serve, in French, for the person who typed the command."""


def find_nginx(given: str = "") -> str:
    """nginx's program: NGINX when it is given, else Debian's (on the PATH or in /usr/sbin)."""
    for candidate in ([given] if given else NGINX):
        found = shutil.which(candidate)
        if found:
            return found
    raise CannotServe(f"nginx est introuvable{f' ({given})' if given else ''} : installez le paquet Debian nginx (apt-get install nginx), puis "
                      "relancez deploy/serve. Sans lui, `gunicorn app:server` sert le portail, mais un client lent "
                      "peut y occuper un fil d'exécution.")


def check_python() -> None:
    missing = [name for name in ("gunicorn", "dash", "flask") if importlib.util.find_spec(name) is None]
    if missing:
        raise CannotServe(f"dépendances du portail absentes ({', '.join(missing)}) pour {sys.executable} : "
                          "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt")


def listen_address(host: str, port: int) -> str:
    """nginx's `listen` for HOST:PORT (an IPv6 address between brackets)."""
    return f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"


def security_headers() -> str:
    """nginx's `add_header` lines for what it answers itself: the portal's headers (security.py), with a policy
    that allows nothing to run (these answers are files and error pages)."""
    import security

    headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
                                   "form-action 'none'; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": security.REFERRER_POLICY,
        "Permissions-Policy": security.PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": security.OPENER_POLICY,
        "X-Frame-Options": "DENY",
    }
    lines = [f'add_header {name} "{value}" always;' for name, value in headers.items()]
    lines.append("add_header Strict-Transport-Security $portail_hsts always;  # over HTTPS only")
    return "# written by deploy/serve from security.py\n" + "\n".join(lines) + "\n"


def error_pages(folder: Path) -> None:
    from api import ERROR_PAGE

    folder.mkdir(parents=True, exist_ok=True)
    for status, (title, text) in ERROR_PAGES.items():
        (folder / f"{status}.html").write_text(ERROR_PAGE.format(title=title, text=text), encoding="utf-8")


def nginx_config(runtime: Path, listen: str, upstream: str, user: str | None) -> str:
    words = {"@USER@": f"user {user};" if user else "", "@RUNTIME@": str(runtime), "@LISTEN@": listen,
             "@ROOT@": str(ROOT), "@UPSTREAM@": upstream}
    text = TEMPLATE.read_text(encoding="utf-8")
    for word, value in words.items():
        text = text.replace(word, value)
    return text


def owner() -> tuple[str, str] | None:
    """Under root: the checkout's owner and group, whom the workers run as (else nginx's default, nobody, could not
    read the portal's files). None for anyone else: the workers are that user already."""
    if os.geteuid() != 0:
        return None
    import grp
    import pwd

    stat = ROOT.stat()
    return pwd.getpwuid(stat.st_uid).pw_name, grp.getgrgid(stat.st_gid).gr_name


def prepare(runtime: Path, listen: str, user: tuple[str, str] | None) -> Path:
    """The working folder: nginx's configuration, the security headers, the error pages, the temporary folders;
    its nginx.conf."""
    shutil.rmtree(runtime / "cache-composants", ignore_errors=True)  # a kept SERVE_DIR may hold older versions
    for folder in ("tmp", "cache-composants", "cache", "erreurs"):
        (runtime / folder).mkdir(parents=True, exist_ok=True)
    (runtime / "securite.conf").write_text(security_headers(), encoding="utf-8")
    error_pages(runtime / "erreurs")
    config = runtime / "nginx.conf"
    upstream = f"unix:{runtime / 'gunicorn.sock'}"
    config.write_text(nginx_config(runtime, listen, upstream, " ".join(user) if user else None), encoding="utf-8")
    if user:
        import grp
        import pwd

        uid, gid = pwd.getpwnam(user[0]).pw_uid, grp.getgrnam(user[1]).gr_gid
        for path in [runtime, *runtime.rglob("*")]:
            os.chown(path, uid, gid)
    return config


def app_environment(env: dict, runtime: Path) -> dict:
    """The app's settings behind nginx: one trusted proxy at least (the reader's address is in X-Forwarded-For), and
    a cache the workers share when none is set."""
    env = dict(env)
    proxies = env.get("PROXY_COUNT", "").strip()
    env["PROXY_COUNT"] = proxies if proxies.isdigit() and int(proxies) >= 1 else "1"
    if not env.get("CACHE_TYPE", "").strip():
        env["CACHE_TYPE"], env["CACHE_DIR"] = "FileSystemCache", str(runtime / "cache")
    return env


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float = 5):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def gunicorn_ready(path: Path, host: str) -> bool:
    """Whether gunicorn answers /healthz on its socket (asked under a name the app trusts)."""
    if not path.exists():
        return False
    connection = UnixHTTPConnection(str(path))
    try:
        connection.request("GET", "/healthz", headers={"Host": host})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _child() -> None:
    """In each server's process, before it starts: SIGTERM when deploy/serve dies without stopping it (Linux's
    parent-death signal), so that no server outlives the command."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(command: list[str], **options) -> subprocess.Popen:
    """A server in a session of its own: a Ctrl-C at the terminal reaches deploy/serve alone, which stops the
    servers in order; the server's workers share its process group, which the stop can end whole."""
    return subprocess.Popen(command, start_new_session=True, preexec_fn=_child, **options)


def _stop(process: subprocess.Popen, sig: int) -> None:
    """A server stopped gracefully (it finishes the requests under way), then its process group ended: no worker
    is left behind, even one its master abandoned."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        print(f"arrêt forcé après {STOP_SECONDS} s", file=sys.stderr)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def serve(env: dict) -> int:
    from config import ConfigError, load_settings

    try:
        settings = load_settings(env)
    except ConfigError as exc:
        raise CannotServe(f"Erreur de configuration : {exc}") from None
    nginx = find_nginx(env.get("NGINX", "").strip())
    check_python()
    given = env.get("SERVE_DIR", "").strip()
    runtime = Path(given).resolve() if given else Path(tempfile.mkdtemp(prefix="portail-serve-"))
    user = owner()
    listen = listen_address(settings.host, settings.port)
    config = prepare(runtime, listen, user)
    socket_path = runtime / "gunicorn.sock"
    socket_path.unlink(missing_ok=True)
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # SIGHUP: the terminal closed
        signal.signal(sig, lambda *_: stopping.append(True))
    command = [sys.executable, "-m", "gunicorn", "app:server", "--config", str(ROOT / "gunicorn.conf.py"),
               "--bind", f"unix:{socket_path}", "--pid", str(runtime / "gunicorn.pid")]
    if user:
        command += ["--user", user[0], "--group", user[1]]
    gunicorn = start(command, cwd=ROOT, env=app_environment(env, runtime))
    web = None
    try:
        deadline = time.monotonic() + START_SECONDS
        while not gunicorn_ready(socket_path, settings.trusted_hosts[0]):
            if gunicorn.poll() is not None:
                raise CannotServe(f"gunicorn s'est arrêté au démarrage (code {gunicorn.returncode}) : voir son "
                                  "message ci-dessus")
            if stopping or time.monotonic() > deadline:
                raise CannotServe("gunicorn ne répond pas" if not stopping else "arrêt demandé")
            time.sleep(0.2)
        web = start([nginx, "-p", f"{runtime}/", "-c", str(config), "-e", "stderr", "-g", "daemon off;"],
                    cwd=runtime)
        time.sleep(0.5)
        if web.poll() is not None:
            raise CannotServe(f"nginx n'a pas pu écouter sur {listen} (port déjà pris ? voir son message ci-dessus)")
        print(f"Portail servi sur http://{listen} : nginx devant gunicorn ({env.get('WEB_CONCURRENCY', '2')} "
              f"processus × {env.get('GUNICORN_THREADS', '4')} fils) ; dossier de travail {runtime}", flush=True)
        if not settings.public_url:
            print("PUBLIC_URL n'est pas définie : les adresses absolues suivent l'en-tête Host, accepté pour "
                  f"{', '.join(settings.trusted_hosts)} (TRUSTED_HOSTS)", flush=True)
        while not stopping and gunicorn.poll() is None and web.poll() is None:
            time.sleep(0.2)
        if not stopping:
            name, ended = ("gunicorn", gunicorn) if gunicorn.poll() is not None else ("nginx", web)
            print(f"{name} s'est arrêté (code {ended.returncode}) : arrêt du portail", file=sys.stderr)
            return 1
        return 0
    finally:
        if web is not None:  # nginx first: no new request reaches gunicorn, the ones under way end
            _stop(web, signal.SIGQUIT)
        _stop(gunicorn, signal.SIGTERM)
        if not given:
            shutil.rmtree(runtime, ignore_errors=True)


def main() -> int:
    try:
        return serve(dict(os.environ))
    except CannotServe as exc:
        print(f"deploy/serve : {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
