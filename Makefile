# The two commands a newcomer needs: `make run` and `make test`. Everything else is a convenience.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=

.PHONY: run up test soak fuzz bench bench-quick venv lint clean secrets

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

## Fuzz for FUZZ_SECONDS (default 600): every test marked `fuzz` (the shared rules' properties,
## mutated SOAP envelopes, schemathesis on REST, random requests through the gateway) runs from
## fresh seeds until its share of the budget is used; ends with what was tried and what failed.
## `make test` runs the same tests as a bounded, seeded slice. FUZZ_TESTS=tests/soap narrows it.
FUZZ_TESTS ?= tests
fuzz: $(STAMP)
	@HYPOTHESIS_PROFILE=fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-600} $(BIN)/pytest -m "fuzz or fuzz_only" \
		-q -p no:cacheprovider --timeout=0 $(FUZZ_TESTS) $(ARGS)

## The REST vs SOAP benchmark: seeds a catalog in its own database (PostgreSQL when DATABASE_URL
## names one), starts the three services as real servers, runs every scenario, writes a report.
## `make bench`: the full profile (about 20 minutes) into benchmarks/results/, the committed report.
## `make bench-quick`: under 2 minutes, into var/bench/quick-<time>/.
bench: $(STAMP)
	@$(BIN)/catalog bench --out benchmarks/results $(ARGS)

bench-quick: $(STAMP)
	@$(BIN)/catalog bench --quick $(ARGS)

## Production secrets for docker compose (kept if they exist).
secrets: $(STAMP)
	@$(BIN)/catalog secrets var/secrets

lint: $(STAMP)
	@$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var/ .pytest_cache
