"""What the bench's parts share: the folders, a free port, a server's environment and its wait, a process's
memory, the median as printed."""
from __future__ import annotations

import os
import socket
import statistics
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def timed_ms(action, runs: int) -> float:
    """The median time of `runs` calls of `action()`, in milliseconds."""
    import time

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.1f} ms"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, port: int) -> dict[str, str]:
    return {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(port), "SECRET_KEY": "bench", "DASH_DEV": "0"}


def wait_for(url: str, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                response.read()
                return
        except OSError:
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.01)


def status_kb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(next(line for line in status if line.startswith(key)).split()[1])
