# Shared Spaces — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app booking
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2

.PHONY: run install assets migrate demo test lint format bench bench-load clean

## run: install everything, migrate, load demo data into an empty database, serve with gunicorn
run: demo
	@echo ""
	@echo "  Shared Spaces is at http://$(HOST):$(PORT)/"
	@$(FLASK) demo-sign-ins
	@echo "  Emails (invites, verification, password reset) are written to instance/mail/"
	@echo "  by the mail sender (flask send-mail --watch), which runs beside the app."
	@echo ""
	@echo "  No-shows are released every 5 minutes (flask release-no-shows) while this runs."
	( while sleep 300; do $(FLASK) release-no-shows; done ) & releaser=$$!; \
	$(FLASK) send-mail --watch & sender=$$!; \
	trap 'kill $$releaser $$sender 2>/dev/null' EXIT; \
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

install: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## assets: GOV.UK Frontend from npm, compiled with our settings into static/build/ (git-ignored)
assets: static/build/app.css static/build/govuk-frontend.min.js static/build/swagger-ui/swagger-ui-bundle.js

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: static/scss/app.scss node_modules/.installed
	mkdir -p static/build
	npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps $< $@

static/build/govuk-frontend.min.js: node_modules/.installed
	mkdir -p static/build
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

static/build/swagger-ui/swagger-ui-bundle.js: node_modules/.installed
	mkdir -p static/build/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css static/build/swagger-ui/

migrate: install
	$(FLASK) db upgrade
	$(FLASK) sync-bank-holidays

demo: migrate
	$(FLASK) seed-demo --if-empty

## test: the whole suite, on SQLite and PostgreSQL, plus lint and type checks
test: install lint
	$(BIN)/pytest -n auto

lint:
	$(BIN)/ruff check booking tests migrations bench
	$(BIN)/ruff format --check booking tests migrations bench
	$(BIN)/mypy

format:
	$(BIN)/ruff check --fix booking tests migrations bench
	$(BIN)/ruff format booking tests migrations bench

## bench: in-process page timings (SQLite and PostgreSQL); bench-load: the API under gunicorn
## with 4 workers on PostgreSQL at borough scale (BENCH_BOOKINGS, default 1,000,000; needs wrk)
bench: install
	$(BIN)/python -m bench

bench-load: install
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) node_modules static/build .pytest_cache .mypy_cache .ruff_cache
