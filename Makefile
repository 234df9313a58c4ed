# The two commands a newcomer needs: `make run` and `make test`. Everything else is a convenience.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=

.PHONY: run up test soak bench bench-quick venv lint clean secrets

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 (Spyne does not import on 3.12)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing into $(VENV) (first run takes a minute)..."
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

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

## The REST vs SOAP benchmark: seeds a catalog in its own database (PostgreSQL when DATABASE_URL
## names one), starts the three services as real servers, runs every scenario, writes a report.
## `make bench`: the full profile (about 20 minutes) into benchmarks/results/, the committed report,
## then `catalog bench floor` (about 4 minutes): each hot read against its server's /healthz, and
## the gateway's cost on a book GET, printed and written to benchmarks/results/floor.json.
## `make bench-quick`: under 2 minutes, into var/bench/quick-<time>/.
bench: $(STAMP)
	@$(BIN)/catalog bench --out benchmarks/results $(ARGS)
	@$(BIN)/catalog bench floor --out benchmarks/results/floor.json

bench-quick: $(STAMP)
	@$(BIN)/catalog bench --quick $(ARGS)

## Production secrets for docker compose (kept if they exist).
secrets: $(STAMP)
	@$(BIN)/catalog secrets var/secrets

lint: $(STAMP)
	@$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var/ .pytest_cache
