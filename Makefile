# Block Council: `make run` serves the app, `make test` runs the suite. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: run test demo lint format setup db clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

db: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) users ensure-admin

# The notices sender runs beside gunicorn and stops with it. Without MAIL_SERVER, mails are
# written to instance/mail/ (one .eml file a message).
run: db
	@echo "Block Council: http://127.0.0.1:$(PORT)/  (mail: $${MAIL_SERVER:-instance/mail/})"
	@$(FLASK) notices send & sender=$$!; \
	trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) wsgi:app

demo: db
	$(FLASK) demo

# Two processes (pytest-xdist), one per core; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
