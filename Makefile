# Heard: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
export SURVEY_INSTANCE_PATH ?= $(CURDIR)/instance
# Links printed by `survey demo` and `survey invite` point at the port `make run` serves.
export SURVEY_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test lint format bench install migrate demo translations clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/survey db upgrade

demo: migrate
	$(BIN)/survey demo --if-empty

run: demo
	@echo ""
	@echo "Heard is running at http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	@echo "Demo login: admin@heard.example / heard-demo-2026"
	@echo ""
	$(BIN)/flask --app survey run --host 127.0.0.1 --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The benchmarks measure PostgreSQL too: the local server unless TEST_DATABASE_URL names one.
bench: export TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# --ignore-dirs: Babel skips folders starting with "_" by default, and templates/_macros has strings.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.* __pycache__' -o survey/translations/messages.pot .
	$(BIN)/pybabel update -i survey/translations/messages.pot -d survey/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d survey/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts
