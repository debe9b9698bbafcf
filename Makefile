# The portal's two set-up commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n auto
# The benchmarks run on PostgreSQL, against a database prepared once and reused (bench/README.md).
BENCH_SIZE ?= 250
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_l
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/6

.PHONY: run test lint format install seed messages screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py serve --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser journeys, keeping their key screens in docs/screenshots/ (the README's tour).
screenshots: install
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -p no:xdist tests/browser -k journey

# The benchmarks of bench/, each printing its figures (bench/README.md keeps them); the endpoints' table and the load
# go to bench/results/. The e-mails at volume use a database of their own (bench_n) and Redis (BENCH_REDIS_URL).
bench: install
	$(BIN)/python bench/cvbook.py --size $(BENCH_SIZE) --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python bench/endpoints.py --size $(BENCH_SIZE) --database-url $(BENCH_DATABASE_URL) --redis-url $(BENCH_REDIS_URL)
	$(BIN)/python bench/load.py --size $(BENCH_SIZE) --database-url $(BENCH_DATABASE_URL) --redis-url $(BENCH_REDIS_URL)
	$(BIN)/python bench/notifications.py --redis-url $(BENCH_REDIS_URL)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

seed: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

messages: install
	$(BIN)/python manage.py makemessages -l fr -l en --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var static
