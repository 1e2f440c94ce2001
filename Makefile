# The two commands: `make run` starts the bot, `make test` runs the whole suite.
# Both build their own virtualenv first (again only when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench migration clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/slm-bot run

test: $(STAMP)
	$(BIN)/pytest

# The benchmarks (issue 14): every figure beside its baseline from the same run; the table is printed at the end
# and written to bench/results/<host>-<time>.md and .json. BENCH_DATABASE_URL adds the seed on PostgreSQL.
bench: $(STAMP)
	$(BIN)/pytest tests/bench -m bench -p no:randomly --benchmark-columns=min,median,max,rounds

# Developers: `make migration m="what changed"` writes an Alembic migration for changed models.
migration: $(STAMP)
	$(BIN)/slm-bot makemigration "$(m)"

clean:
	rm -rf $(VENV) var *.egg-info
