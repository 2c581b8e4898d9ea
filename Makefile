# Two commands: `make run` (set up and serve) and `make test` (set up and test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test lint catalog translations system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.requirements-test: requirements-test.txt $(VENV)/.requirements
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# The compiled catalog is built, not committed.
catalog: $(VENV)/.requirements
	$(BIN)/pybabel compile --use-fuzzy -d translations -l zh_Hans_CN -f

# After changing user-visible text: refresh the template and the catalog.
translations: $(VENV)/.requirements
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project=haowangmin-contest -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l zh_Hans_CN --no-fuzzy-matching --ignore-obsolete

run: $(VENV)/.requirements catalog
	CONTEST_ENV=$${CONTEST_ENV:-development} $(BIN)/flask db upgrade
	CONTEST_ENV=$${CONTEST_ENV:-development} $(BIN)/flask seed-demo
	@echo "Serving on http://127.0.0.1:5000  (Ctrl-C to stop)"
	CONTEST_ENV=$${CONTEST_ENV:-development} $(BIN)/flask run --host 127.0.0.1 --port 5000

system-packages:
	@scripts/ensure-system-packages

lint: $(VENV)/.requirements-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Two workers (pytest-xdist), each test file whole on one of them: one world per module.
TEST_WORKERS ?= 2

test: $(VENV)/.requirements-test catalog system-packages lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
