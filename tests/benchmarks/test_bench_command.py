"""`catalog bench` as an operator runs it: it says what it is measuring even in a log, and
stopped half-way it leaves no server behind."""

import signal

import psutil

from tests.processes import ConsoleProcess, base_env


def _servers(pid: int) -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process(pid).children()
        if any(word in child.cmdline() for word in ("gunicorn", "granian"))
    ]


def test_a_run_logs_each_scenario_and_sigterm_stops_every_server_it_started(tmp_path):
    env = base_env(tmp_path, f"sqlite:///{tmp_path / 'bench.sqlite3'}", REDIS_URL="")
    console = ConsoleProcess(["bench", "--quick", "--books", "20", "--out", str(tmp_path)], env)
    console.wait_for("measuring get_book", timeout=120)
    servers = _servers(console.process.pid)
    assert len(servers) == 3, console.output
    console.process.send_signal(signal.SIGTERM)
    assert console.process.wait(timeout=60) == 128 + signal.SIGTERM
    _, alive = psutil.wait_procs(servers, timeout=20)
    assert alive == []
    assert not (tmp_path / "results.json").exists()
