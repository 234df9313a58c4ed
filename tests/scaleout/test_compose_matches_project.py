"""docker-compose.yml cannot drift from the project: there is no docker engine here to run it, so
every claim it makes is checked against what the code exposes and what `make up` runs.

- commands: real `catalog` subcommands, the same ones Procfile.scaled (`make up`) runs;
- ports: the CLI's defaults, exposed, and the proxy publishing the gateway's;
- health checks: URLs the service on that port serves;
- environment: every variable compose sets is read by the project, and together they are a
  complete production configuration for every service (its settings load under them);
- order: prepare before the services, everything waiting for what it needs to be healthy;
- secrets: the files `make secrets` writes, mounted where the *_FILE variables point.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest
import yaml
from django.urls import resolve

from catalog_cli.main import COMMAND_GROUPS, parser
from catalog_cli.services import SCALED_SERVICES, SCALED_WORKERS, SERVICES
from credentials.keys import write_secret_files
from tests.processes import REPO

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
ALL = COMPOSE["services"]
APP = {name: service for name, service in ALL.items() if service.get("build")}
SERVERS = {name: service for name, service in APP.items() if service["command"][1] == "serve"}
WORKERS = {name: service for name, service in APP.items() if service["command"][1] == "worker"}
URLCONFS = {"rest": "rest_service.urls", "soap": "soap_service.urls", "gateway": "gateway.urls"}
SETTINGS = {service.name: service.settings for service in SERVICES.values()}
SETTINGS["prepare"] = "rest_service.settings"  # catalog prepare runs with the REST settings
SETTINGS["worker"] = "rest_service.settings"  # and so does catalog worker
SOURCE_FOLDERS = ("config", "credentials", "service_http", "catalog_cli", "catalog_client",
                  "shared_models", "rest_service", "soap_service", "gateway",
                  "telemetry")  # fmt: skip
ENV_READ = re.compile(r"\benv_(?:str|int|float|bool|list|datetime)\(\s*\"([A-Z][A-Z0-9_]*)\"")
DEFAULTED = re.compile(r"\$\{([A-Z0-9_]+):-([^}]*)\}")


def interpolate(value: object) -> str:
    """What compose makes of a value when no variable is set: `${NAME:-default}` -> default."""
    return DEFAULTED.sub(lambda match: match.group(2), str(value)).replace("$$", "$")


def without_port(command: list[str]) -> list[str]:
    words = [interpolate(word) for word in command]
    if "--port" in words:
        at = words.index("--port")
        del words[at : at + 2]
    return words


def served_port(service: dict) -> int:
    return int(service["command"][service["command"].index("--port") + 1])


def variables_the_project_reads() -> set[str]:
    names = {
        match
        for folder in SOURCE_FOLDERS
        for path in (REPO / folder).rglob("*.py")
        for match in ENV_READ.findall(path.read_text())
    }
    return names | {service.port_variable for service in SCALED_SERVICES.values()}


@pytest.mark.parametrize("name", sorted(APP))
def test_every_app_service_runs_a_real_catalog_subcommand(name):
    command = [interpolate(word) for word in APP[name]["command"]]
    assert command[0] == "catalog"
    args = parser().parse_args(command[1:])  # argparse exits on anything it does not know
    assert args.handler.__module__ in {group.__name__ for group in COMMAND_GROUPS}


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_each_server_listens_on_the_cli_default_port_and_exposes_it(name):
    service_name = SERVERS[name]["command"][2]
    assert served_port(SERVERS[name]) == SERVICES[service_name].default_port
    assert SERVERS[name]["expose"] == [str(served_port(SERVERS[name]))]


def test_the_proxy_publishes_the_gateway_port_and_forwards_to_the_replicas():
    published = interpolate(ALL["proxy"]["ports"][0])
    assert published == f"{SERVICES['gateway'].default_port}:{served_port(ALL['gateway'])}"
    nginx = COMPOSE["configs"]["nginx_conf"]["content"]
    assert f"listen {served_port(ALL['gateway'])};" in nginx
    assert f"server gateway:{served_port(ALL['gateway'])} " in nginx


@pytest.mark.parametrize("name", [*sorted(SERVERS), "proxy"])
def test_health_checks_probe_a_url_the_service_serves(name):
    check = " ".join(ALL[name]["healthcheck"]["test"])
    (port, path) = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*?)['\s]", check + " ").groups()
    served = "gateway" if name == "proxy" else SERVERS[name]["command"][2]
    expected_port = 8000 if name == "proxy" else served_port(SERVERS[name])
    assert int(port) == expected_port
    assert resolve(path, urlconf=URLCONFS[served])


def test_every_variable_compose_sets_is_one_the_project_reads():
    read = variables_the_project_reads()
    set_by_compose = {variable for service in APP.values() for variable in service["environment"]}
    assert set_by_compose - read == set()


@pytest.mark.parametrize("name", sorted(APP))
def test_compose_environment_is_a_complete_production_configuration(name, tmp_path):
    """Each service's settings load under exactly the environment compose gives it, with the
    secret files where compose mounts them (here: files written like `make secrets` does)."""
    service = APP[name]
    mounted = dict(
        zip(
            ("django_secret_key", "jwt_private_key", "jwt_public_key"),
            write_secret_files(tmp_path),
            strict=True,
        )
    )
    env = {key: interpolate(value) for key, value in service["environment"].items()}
    for key, value in env.items():
        if value.startswith("/run/secrets/"):
            env[key] = str(mounted[value.removeprefix("/run/secrets/")])
    env.update(
        PATH="/usr/bin:/bin",
        CATALOG_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE=SETTINGS[service["command"][2] if name in SERVERS else name],
    )
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, "False"), done.stderr
    assert not list((tmp_path / "var").rglob("*")), "production generated something"


def test_make_up_runs_the_same_commands_as_compose_modulo_ports():
    procfile = dict(
        line.split(":", 1) for line in (REPO / "Procfile.scaled").read_text().splitlines() if line
    )
    up = sorted(without_port(shlex.split(command)) for command in procfile.values())
    replicas = {
        name: service.get("deploy", {}).get("replicas", 1) for name, service in SERVERS.items()
    }
    replicas.update(
        {name: service.get("deploy", {}).get("replicas", 1) for name, service in WORKERS.items()}
    )
    compose = sorted(
        without_port(service["command"])
        for name, service in {**SERVERS, **WORKERS}.items()
        for _ in range(replicas[name])
    )
    assert up == compose
    assert set(procfile) == set(SCALED_SERVICES) | set(SCALED_WORKERS)


def test_make_up_replicas_listen_where_their_port_variables_say():
    procfile = dict(
        line.split(":", 1) for line in (REPO / "Procfile.scaled").read_text().splitlines() if line
    )
    for name, service in SCALED_SERVICES.items():
        words = shlex.split(procfile[name])
        if "--port" in words:
            assert words[words.index("--port") + 1] == f"${service.port_variable}"
    assert len({service.default_port for service in SCALED_SERVICES.values()}) == 4


def test_prepare_runs_first_and_every_dependency_is_waited_for_until_healthy():
    for name in [*SERVERS, *WORKERS]:
        conditions = ALL[name]["depends_on"]
        for dependency, condition in conditions.items():
            wanted = (
                "service_completed_successfully" if dependency == "prepare" else "service_healthy"
            )
            assert condition == {"condition": wanted}, (name, dependency)
            if wanted == "service_healthy":
                assert "healthcheck" in ALL[dependency], dependency
    assert "prepare" in ALL["rest"]["depends_on"] and "prepare" in ALL["soap"]["depends_on"]
    assert ALL["prepare"]["restart"] == "no"


def test_secrets_are_the_files_make_secrets_writes_mounted_where_the_variables_point(tmp_path):
    written = {path.name for path in write_secret_files(tmp_path)}
    files = {name: entry["file"] for name, entry in COMPOSE["secrets"].items()}
    assert {file.removeprefix("./var/secrets/") for file in files.values()} == written
    for service in APP.values():
        for key, value in service["environment"].items():
            if key.endswith("_FILE"):
                assert value.removeprefix("/run/secrets/") in service["secrets"], key


def test_stopping_waits_longer_than_the_servers_graceful_timeout():
    for name in SERVERS:
        grace = int(ALL[name]["stop_grace_period"].removesuffix("s"))
        assert grace > int(interpolate(ALL[name]["environment"]["GRACEFUL_TIMEOUT"]))


def test_the_gateway_trusts_exactly_the_one_proxy_in_front_of_it():
    nginx = COMPOSE["configs"]["nginx_conf"]["content"]
    assert ALL["gateway"]["environment"]["GATEWAY_TRUSTED_PROXIES"] == "1"
    assert "proxy_set_header X-Forwarded-For $$proxy_add_x_forwarded_for;" in nginx
    assert "non_idempotent" not in nginx  # a POST that reached a replica is never sent twice
