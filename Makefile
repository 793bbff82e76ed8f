# The two commands of this project: `make run` and `make test`.
# Everything else (the virtual environment, dependencies, the database, the
# seeded content, Chromium for browser tests) is set up on the way.

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
PORT    ?= 8000
HOST    ?= 127.0.0.1

.DEFAULT_GOAL := help
.PHONY: help run test lint format migrate seed browser java clean

help:
	@echo "make run    set up everything and serve http://$(HOST):$(PORT) (PORT=8001 make run)"
	@echo "make test   run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL)"
	@echo "            PYTEST_ARGS='-m \"not slow\"' leaves out live servers, browsers, Lighthouse"
	@echo "make lint   ruff check, ruff format --check, makemigrations --check, mypy"
	@echo "make serve  the production setup locally (gunicorn, DEBUG off; a task worker with TASKS_BACKEND=database)"
	@echo "make bench  the load benchmark (PostgreSQL, Redis, gunicorn, wrk)"

# A Python 3.12+ interpreter: $$PYTHON if given, else the first suitable one on
# this machine (python3.13, python3.12, pyenv's 3.12+ builds, python3).
$(PY):
	@py=""; for c in "$$PYTHON" python3.13 python3.12 \
	    $$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV) python3; do \
	  [ -n "$$c" ] || continue; \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then py="$$c"; break; fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "error: Python 3.12 or newer is needed (Django 6 requires it)." >&2; \
	  echo "Install it (for example 'pyenv install 3.12' or your system's python3.12 package)," >&2; \
	  echo "or point PYTHON at one: make run PYTHON=/path/to/python3.12" >&2; exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$("$$py" --version))"; \
	"$$py" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed

run: seed
	@echo "Serving on http://$(HOST):$(PORT)/  (sign-up confirmation emails are printed below)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's chromium, never a browser a tool downloads.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else \
	    echo "error: browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

# The Nu HTML checker (vnu) runs on Java: Debian's runtime, installed the same way.
java:
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's Java runtime for the HTML checker (vnu)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null; \
	  else \
	    echo "error: the HTML checker (vnu) needs Java: sudo apt-get install default-jre-headless" >&2; exit 1; \
	  fi; \
	fi

# axe-core, Lighthouse and vnu for the accessibility, performance and HTML checks (package-lock.json).
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# PYTEST_ARGS passes options on: make test PYTEST_ARGS='-m "not slow"' leaves out the
# live-server, browser and Lighthouse tests (CI runs those once, on PostgreSQL).
# PYTEST_WORKERS processes share the tests (pytest-xdist; 0 runs them in this one), a
# file per worker, so a module's fixtures (seeded content, a browser, live servers) are
# made once and no two workers share a live-server database.
PYTEST_WORKERS ?= 2
test: $(STAMP) browser java node_modules/.installed
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The production setup, locally: DEBUG off, gunicorn (gunicorn.conf.py), hashed and
# compressed static files through whitenoise. Uses $$SECRET_KEY, $$DATABASE_URL and
# $$REDIS_URL when set (a throwaway key otherwise); plain HTTP on loopback, so the
# HTTPS redirect and secure cookies are off unless you set them. With
# TASKS_BACKEND=database a task worker (manage.py db_worker) runs beside gunicorn.
serve: migrate
	@export DEBUG=false PORT=$(PORT) HOST=$(HOST) \
	  SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	  SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	  SESSION_COOKIE_SECURE="$${SESSION_COOKIE_SECURE:-false}" \
	  CSRF_COOKIE_SECURE="$${CSRF_COOKIE_SECURE:-false}"; \
	$(PY) manage.py collectstatic --noinput -v0 && $(PY) manage.py seed && \
	echo "Serving the production setup on http://$(HOST):$(PORT)/ (gunicorn)" && \
	if [ "$${TASKS_BACKEND:-immediate}" = database ]; then \
	  echo "Running queued tasks (emails) in a worker beside it (manage.py db_worker)"; \
	  $(PY) manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(VENV)/bin/gunicorn -c gunicorn.conf.py; \
	else \
	  exec $(VENV)/bin/gunicorn -c gunicorn.conf.py; \
	fi

# The load benchmark (bench/run.py): its own PostgreSQL database, Redis, gunicorn, wrk;
# then the mail queue's (bench/mail.py): emails/s per worker, sign-up with the queue.
# then the weekly email's (bench/weekly.py): send_weekly_emails for 10,000 learners.
bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/mail.py
	$(PY) bench/reviews.py
	$(PY) bench/weekly.py

.PHONY: serve bench

# The checks CI runs before the tests; .pre-commit-config.yaml runs the same ones.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
