# SIGAP — the two commands a newcomer needs: `make run` and `make test`.
# Both create the virtualenv in .venv on first use and reuse it afterwards.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# A long random key only used for the production-settings check below.
CHECK_ENV := DEBUG=0 SECRET_KEY=check-deploy-$(shell printf '%064d' 0 | tr 0 x) ALLOWED_HOSTS=sigap.example.go.id

.PHONY: install run test lint format messages locale lock bench clean worker beat audit backup restore

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP) locale

# Translations are compiled at install (pure Python: no system gettext needed).
locale: $(STAMP)
	@$(BIN)/pybabel compile -d locale -D django >/dev/null

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 $(BIN)/python manage.py seed_demo --if-empty
	DEBUG=1 $(BIN)/python manage.py demo_logins --url http://$(HOST):$(PORT)/
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/pytest -q -rs -n auto --durations=20 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Supply chain: known vulnerabilities in the pinned packages (pip-audit asks the registry's
# advisory service; add `--ignore-vuln ID` below, with the reason, for an advisory without a fix)
# and insecure patterns in SIGAP's own code (bandit, configured in pyproject.toml).
audit: $(STAMP)
	$(BIN)/pip-audit --requirement requirements.txt --no-deps --disable-pip --progress-spinner off $(PIP_AUDIT_ARGS)
	$(BIN)/bandit -r asn_portal training careers integrity -c pyproject.toml -q

# Re-extract messages after changing texts (needs GNU gettext, a developer tool only).
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages -l id --no-obsolete --ignore='test-output/*' --ignore='.venv/*' --ignore='staticfiles/*' --ignore='static/vendor/*'
	$(BIN)/python scripts/merge_translations.py

# Pin the whole dependency tree after editing requirements.in.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install -q -r requirements.in
	( echo "# Pinned with \`make lock\` (pip freeze of requirements.in). Install with: pip install -r requirements.txt"; \
	  .venv-lock/bin/pip freeze --exclude-editable ) > requirements.txt
	rm -rf .venv-lock

# PostgreSQL parts need DATABASE_URL=postgres://... (role with CREATEDB); BENCH_ARGS=--quick: 15,000 only.
bench: install
	DEBUG=1 $(BIN)/python bench/run_all.py $(BENCH_ARGS)

worker: install
	$(BIN)/celery -A asn_portal worker --loglevel=INFO

beat: install
	$(BIN)/celery -A asn_portal beat --loglevel=INFO

# Backups (README "Backups"): the database (pg_dump -Fc, or a copy of SQLite) and the uploaded
# documents, with a manifest, in a new folder under BACKUP_DIR (default ./backups).
backup: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py backup $(if $(BACKUP_DIR),--output-dir "$(BACKUP_DIR)")

# make restore BACKUP=backups/<timestamp> [TARGET_DATABASE_URL=postgres://...] [TARGET_MEDIA_ROOT=dir] [FORCE=1]
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/<timestamp> [TARGET_DATABASE_URL=...] [TARGET_MEDIA_ROOT=...] [FORCE=1]"; exit 2; }
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py restore "$(BACKUP)" $(if $(TARGET_DATABASE_URL),--database-url "$(TARGET_DATABASE_URL)") $(if $(TARGET_MEDIA_ROOT),--media-root "$(TARGET_MEDIA_ROOT)") $(if $(filter 1,$(FORCE)),--force)

clean:
	rm -rf $(VENV) staticfiles test-output
