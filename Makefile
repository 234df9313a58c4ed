# The two commands a newcomer needs: `make run` and `make test`. Everything else is a convenience.
#
# Python: the newest supported interpreter found (3.13, then 3.12, then 3.11; on PATH or installed
# by pyenv), unless PYTHON_VERSION=3.12 asks for one version or PYTHON=/path/to/python names one.
# VENV=... picks another venv folder (e.g. one per version):
#   make test PYTHON_VERSION=3.12 VENV=.venv-3.12 ARGS='tests/soap'
PYTHON_VERSION ?= 3.13 3.12 3.11
PYENV_ROOT ?= $(HOME)/.pyenv
# A pyenv shim exists for every installed version but runs only the active ones: try each candidate.
ifndef PYTHON
PYTHON := $(firstword $(foreach v,$(PYTHON_VERSION),$(shell \
	for p in python$(v) $(lastword $(sort $(wildcard $(PYENV_ROOT)/versions/$(v).*/bin/python$(v)))); do \
	$$p -c '' 2>/dev/null && { command -v $$p; break; }; done)))
endif
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LOCKS  := requirements/runtime.txt requirements/dev.txt
ARGS   ?=

# The stamp records the interpreter the venv was made with: another one rebuilds the venv.
PYTHON_ID := $(if $(PYTHON),$(shell $(PYTHON) -c 'import sys; print(sys.version.split()[0], sys.base_prefix)' 2>/dev/null))
ifneq ($(PYTHON_ID),$(shell cat $(STAMP) 2>/dev/null))
$(STAMP): FORCE
endif

.PHONY: run up test soak fuzz bench bench-quick venv lint lock docs docs-serve clean secrets FORCE

$(STAMP): pyproject.toml $(LOCKS)
	@test -n "$(PYTHON_ID)" || { echo "error: $(if $(PYTHON),$(PYTHON) does not run,found no Python $(PYTHON_VERSION) that runs); install Python 3.13, 3.12 or 3.11, or pass PYTHON=..."; exit 1; }
	@test "$$(cat $(STAMP) 2>/dev/null)" = "$(PYTHON_ID)" || rm -rf $(VENV)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing into $(VENV) with Python $(firstword $(PYTHON_ID)) (first run takes a minute)..."
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	@$(BIN)/python -m pip install -qq --no-deps -e .
	@echo "$(PYTHON_ID)" > $(STAMP)

FORCE:

venv: $(STAMP)

## Start the gateway (8000), REST (8001) and SOAP (8002) services on a seeded SQLite catalog.
run: $(STAMP)
	@$(BIN)/catalog run $(ARGS)

## The scaled topology without docker (what docker-compose.yml runs): this machine's PostgreSQL
## and Redis (DATABASE_URL / REDIS_URL to use others), REST, SOAP, gateway replicas on 8000 and 8010.
up: $(STAMP)
	@$(BIN)/catalog up $(ARGS)

## Run the whole pytest suite (SQLite and in-process limits unless DATABASE_URL / REDIS_URL are set).
test: $(STAMP)
	@$(BIN)/pytest $(ARGS)

## The long soak: load through the gateway for RELIABILITY_SOAK_SECONDS (default 90; `make test`
## runs the same test for 15 s). Figures in var/reliability/summary.json.
soak: $(STAMP)
	@RELIABILITY_SOAK_SECONDS=$${RELIABILITY_SOAK_SECONDS:-90} $(BIN)/pytest -s tests/reliability/test_soak.py $(ARGS)

## Fuzz for FUZZ_SECONDS (default 600): every test marked `fuzz` (the shared rules' properties,
## mutated SOAP envelopes, schemathesis on REST, random requests through the gateway) runs from
## fresh seeds until its share of the budget is used; ends with what was tried and what failed.
## `make test` runs the same tests as a bounded, seeded slice. FUZZ_TESTS=tests/soap narrows it.
FUZZ_TESTS ?= tests
## Then ATHERIS_SECONDS (default 60) of coverage-guided fuzzing of the pure parsers
## (tests/atheris_parsers.py; a crashing input is written to var/atheris/).
fuzz: $(STAMP)
	@HYPOTHESIS_PROFILE=fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-600} $(BIN)/pytest -m fuzz \
		-q -p no:cacheprovider $(FUZZ_TESTS) $(ARGS); status=$$?; \
	mkdir -p var/atheris; \
	$(BIN)/python -m tests.atheris_parsers -max_total_time=$${ATHERIS_SECONDS:-60} \
		-artifact_prefix=var/atheris/ -print_final_stats=1 -print_pcs=0 -verbosity=0 \
		|| status=1; exit $$status

## The REST vs SOAP benchmark: seeds a catalog in its own database (PostgreSQL when DATABASE_URL
## names one), starts the three services as real servers, runs every scenario, writes a report.
## `make bench`: the full profile into benchmarks/results/, the committed report (its duration
## is in docs/benchmarks.md), then `catalog bench floor` (about 5 minutes): each hot read against
## its server's /healthz and the gateway's cost on a book GET, printed and written to
## benchmarks/results/floor.json.
## `make bench-quick`: about 2 minutes, into var/bench/quick-<time>/.
bench: $(STAMP)
	@$(BIN)/catalog bench --out benchmarks/results $(ARGS)
	@$(BIN)/catalog bench floor --out benchmarks/results/floor.json

bench-quick: $(STAMP)
	@$(BIN)/catalog bench --quick $(ARGS)

## Production secrets for docker compose (kept if they exist).
secrets: $(STAMP)
	@$(BIN)/catalog secrets var/secrets

## ruff (lint, then the formatting check) and mypy on the project's packages: strict, except for
## those pyproject.toml's [tool.mypy] still checks with mypy's defaults.
TYPED := catalog_contract config credentials service_http telemetry catalog_client shared_models \
	gateway rest_service soap_service catalog_cli benchmarks
lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy $(TYPED)

## Regenerate the hashed lock files from pyproject.toml, each valid on Python 3.11 to 3.13:
## requirements/runtime.txt (what the image installs) and requirements/dev.txt (everything, what
## `make` installs). Current pins are kept; `make lock ARGS=--upgrade` moves them to the newest.
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(ARGS)
lock: $(STAMP)
	@$(UV_COMPILE) -o requirements/runtime.txt
	@$(UV_COMPILE) --extra dev -o requirements/dev.txt

## The documentation site (mkdocs-material, docs/ + mkdocs.yml) into site/; any warning fails it.
docs: $(STAMP)
	@NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## The same site served at http://127.0.0.1:8008/, rebuilt on every change.
docs-serve: $(STAMP)
	@NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8008

clean:
	rm -rf $(VENV) var/ .pytest_cache site/
