"""`catalog bench` as an operator runs it: stopped half-way, it leaves no server behind."""

import signal
import time

import psutil

from tests.processes import ConsoleProcess, base_env


def _servers(pid: int) -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process(pid).children()
        if any(word in child.cmdline() for word in ("gunicorn", "uvicorn"))
    ]


def test_sigterm_mid_run_stops_every_server_it_started(tmp_path):
    env = base_env(tmp_path, f"sqlite:///{tmp_path / 'bench.sqlite3'}", REDIS_URL="")
    console = ConsoleProcess(["bench", "--quick", "--books", "20", "--out", str(tmp_path)], env)
    deadline = time.monotonic() + 120
    while len(servers := _servers(console.process.pid)) < 3:
        assert time.monotonic() < deadline, console.output
        assert console.process.poll() is None, console.output
        time.sleep(0.2)
    console.process.send_signal(signal.SIGTERM)
    assert console.process.wait(timeout=60) == 128 + signal.SIGTERM
    _, alive = psutil.wait_procs(servers, timeout=20)
    assert alive == []
    assert not (tmp_path / "results.json").exists()
