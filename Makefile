# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MODEL := models/community-safety.tar.gz

# The same as PROCESS_ENVIRONMENT in community_safety/settings.py (a test compares them).
export RASA_TELEMETRY_ENABLED := false
export SPACY_PIPELINE_PATH := $(CURDIR)/build/spacy/en_community_safety
# Where `make weights` links the hash-checked pretrained sentence encoders (config.yml reads it).
export PRETRAINED_WEIGHTS_PATH := $(CURDIR)/build/weights
# Sentence vectors kept between trainings (nlu/pretrained/vector_cache.py): a retraining encodes only new texts.
export SENTENCE_VECTORS_CACHE := $(CURDIR)/build/cache/sentence-vectors
# Nothing may reach a model hub at run time: every weight comes from an installed package.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export TOKENIZERS_PARALLELISM := false
export PYTHONUNBUFFERED := 1
export SANIC_HOST := 127.0.0.1


.PHONY: help install spacy weights staff-assets train run run-prod shell test lint needs validate eval reviewed seed-review crossval benchmark load hosts profile lock audit clean

help:
	@echo "make run        set up, train if needed, start everything (chat widget on http://127.0.0.1:8000/)"
	@echo "make test       set up, train if needed, run every test"
	@echo "make train      train the model into $(MODEL) if its inputs changed"
	@echo "make run-prod   the production profile on this machine: PostgreSQL, Redis, nginx, 2 replicas each"
	@echo "make shell      chat with the bot in this terminal"
	@echo "make lint       ruff: lint and format check (rules in pyproject.toml); make test runs it first"
	@echo "make needs      remake what the data files make: the needs blocks in domain.yml and rules.yml, docs/generated/"
	@echo "make validate   check training data, domain and dialogue (rasa data validate)"
	@echo "make eval       both held-out sets (short, long) + cross-validation + Rasa's default, figures into results/"
	@echo "make reviewed   teach the bot the messages caseworkers agreed on; kept only if no held-out set got worse"
	@echo "make seed-review  with make run going: a review queue to try, from the scripted conversations"
	@echo "make benchmark  training time, load time, parse latency (short and long messages), peak memory"
	@echo "make weights    check the pretrained encoders against their pinned hashes, link them into build/weights"
	@echo "make load       simulated residents: production profile (1 and 2 replicas) and SQLite default"
	@echo "make hosts      the production profile on 8 test hosts (network namespaces; root): chats, reports, sign-in"
	@echo "make lock       re-resolve the requirements (newest versions the pins allow, every file's hash)"
	@echo "make audit      check every locked version against published advisories (pip-audit)"
	@echo "make staff-assets  build the staff site's styles (GOV.UK Frontend from npm)"

$(VENV)/.installed: requirements-pip.lock requirements.lock requirements-pretrained.lock pyproject.toml scripts/find-python310.sh
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
		echo "Removing $(VENV): it was not made with Python 3.10."; rm -rf $(VENV); fi
	@if [ ! -x $(PY) ]; then \
		python310="$$(scripts/find-python310.sh)" || exit 1; \
		echo "Creating $(VENV) with $$python310"; \
		"$$python310" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --require-hashes -r requirements-pip.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-pretrained.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

install: $(VENV)/.installed

# What `make test` adds: the test runner, browser tests and lint (not needed to run the services).
$(VENV)/.test-tools: $(VENV)/.installed requirements-test.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	@touch $@

$(SPACY_PIPELINE_PATH)/meta.json: $(VENV)/.installed $(wildcard nlu/spacy_pipeline/*) community_safety/data/places.yml
	$(PY) -m nlu.spacy_pipeline.build $(SPACY_PIPELINE_PATH)

spacy: $(SPACY_PIPELINE_PATH)/meta.json

# The pretrained sentence encoders, checked against their pinned hashes and linked into build/.
$(PRETRAINED_WEIGHTS_PATH)/.verified: $(VENV)/.installed nlu/pretrained/weights.yml nlu/pretrained/__init__.py
	$(PY) -m nlu.pretrained $(PRETRAINED_WEIGHTS_PATH)
	@touch $@

weights: $(PRETRAINED_WEIGHTS_PATH)/.verified

# The staff site's styles: GOV.UK Frontend from the npm registry, compiled with the council's look.
STAFF_CSS := build/staff/staff.css
$(STAFF_CSS): staff/assets/staff.scss staff/assets/package.json staff/assets/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to build the staff site's styles: install nodejs and npm (e.g. apt-get install nodejs npm)." >&2; exit 1; }
	cd staff/assets && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build

staff-assets: $(STAFF_CSS)

# domain.yml and dialogue/rules.yml list the needs in blocks made from the needs file.
# Everything made from the data files: the needs blocks in Rasa's files, the generated docs.
needs: install
	$(PY) -m community_safety.needs

train: spacy weights needs
	@scripts/train-if-stale.sh

run: train staff-assets
	@mkdir -p data
	$(PY) -m community_safety.records.migrate
	@echo "Starting the bot: open http://127.0.0.1:8000/ for the chat widget on a demo council page."
	@echo "Staff site: http://127.0.0.1:8000/staff/ (first account: .venv/bin/staff-admin create-user --email E --role admin)."
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then echo "The Telegram bridge starts too (TELEGRAM_BOT_TOKEN is set)."; \
		else echo "Telegram: not started (set TELEGRAM_BOT_TOKEN to start the bridge)."; fi
	@echo "Ctrl-C stops everything. (To chat in this terminal instead, use 'make shell'.)"
	@$(PY) -m deploy.profile --local
	$(VENV)/bin/honcho start -f build/local/Procfile -e build/local/local.env -d $(CURDIR)

# The production profile on one machine: PostgreSQL, Redis, nginx, replicas (docs/deployment.md).
run-prod: train staff-assets
	@scripts/run-prod.sh

shell: train
	@mkdir -p data
	$(PY) -m community_safety.records.migrate
	@$(PY) -m deploy.profile --local
	@scripts/shell.sh

lint: $(VENV)/.test-tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint train staff-assets
	@scripts/ensure-debian-package.sh postgresql '/usr/lib/postgresql/*/bin/initdb' "the storage tests (they start their own server)"
	@scripts/ensure-debian-package.sh chromium /usr/bin/chromium "the browser tests"
	@scripts/ensure-debian-package.sh fonts-lohit-beng-bengali '/usr/share/fonts/truetype/lohit-bengali/*' "the browser tests (Bengali)"
	@scripts/ensure-debian-package.sh redis-server /usr/bin/redis-server "the production-profile tests"
	@scripts/ensure-debian-package.sh nginx /usr/sbin/nginx "the production-profile tests"
	@scripts/ensure-debian-package.sh ffmpeg /usr/bin/ffmpeg "the evidence tests (audio and video cleaned of their metadata)"
	@scripts/ensure-debian-package.sh iproute2 /usr/sbin/ip "the test hosts (network namespaces)"
	$(VENV)/bin/pytest

validate: spacy weights needs
	$(PY) -m deploy.rasa_server data validate --fail-on-warnings --config config.yml --domain domain.yml --data nlu/data dialogue

eval: train
	$(PY) -m evaluation.evaluate

reviewed: train
	$(PY) -m community_safety.records.migrate
	$(PY) -m evaluation.reviewed

seed-review: install
	$(PY) -m evaluation.seed_review

crossval: spacy weights
	$(PY) -m evaluation.evaluate --only cross-validation

benchmark: train
	$(PY) -m evaluation.benchmark

# Simulated residents through the production profile (1 and 2 replicas) and the SQLite default.
load: train staff-assets
	@scripts/ensure-debian-package.sh postgresql '/usr/lib/postgresql/*/bin/initdb' "the load benchmark"
	@scripts/ensure-debian-package.sh redis-server /usr/bin/redis-server "the load benchmark"
	@scripts/ensure-debian-package.sh nginx /usr/sbin/nginx "the load benchmark"
	$(PY) -m evaluation.load $(LOAD_ARGS)

# The production profile on eight test hosts (network namespaces on this machine; needs root):
# residents chat and file reports through the edge, a caseworker signs in; prints hosts=… lost=…
hosts: train staff-assets
	@scripts/ensure-debian-package.sh postgresql '/usr/lib/postgresql/*/bin/initdb' "the test hosts"
	@scripts/ensure-debian-package.sh redis-server /usr/bin/redis-server "the test hosts"
	@scripts/ensure-debian-package.sh nginx /usr/sbin/nginx "the test hosts"
	@scripts/ensure-debian-package.sh iproute2 /usr/sbin/ip "the test hosts"
	$(PY) -m evaluation.hosts $(HOSTS_ARGS)

# Simulated residents while py-spy samples Rasa, the action server and the web server: build/profile/.
profile: train staff-assets
	$(PY) -m pip install --quiet --require-hashes -r requirements-profile.lock
	$(PY) -m evaluation.profile

# Re-resolve every requirements-*.in into its lock, each version at the newest the pins allow, with
# every file's sha256 (needs the package registry; uv resolves, nothing else). The installers
# themselves (pip, uv, pip-audit) come from their own hash-pinned locks too.
UV_COMPILE = pip compile --python-version 3.10 --generate-hashes --no-strip-markers --upgrade --quiet \
	--custom-compile-command "make lock"
LOCKED = requirements requirements-test requirements-profile requirements-pip requirements-uv requirements-audit
lock:
	@python310="$$(scripts/find-python310.sh)" || exit 1; \
	tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; "$$python310" -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/pip" install --quiet --require-hashes -r requirements-pip.lock && \
	"$$tmp/venv/bin/pip" install --quiet --require-hashes -r requirements-uv.lock && \
	for name in $(LOCKED); do "$$tmp/venv/bin/uv" $(UV_COMPILE) $$name.in -o $$name.lock || exit 1; done

# Every locked version against published advisories. pip-audit asks its advisory service (PyPI's
# JSON API); --strict makes a package it could not check a failure, never a quiet pass.
audit:
	@python310="$$(scripts/find-python310.sh)" || exit 1; \
	tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; "$$python310" -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/pip" install --quiet --require-hashes -r requirements-pip.lock && \
	"$$tmp/venv/bin/pip" install --quiet --require-hashes -r requirements-audit.lock && \
	"$$tmp/venv/bin/pip-audit" --strict --disable-pip --require-hashes \
		-r requirements.lock -r requirements-test.lock -r requirements-pretrained.lock \
		-r requirements-pip.lock -r requirements-uv.lock -r requirements-audit.lock

clean:
	rm -rf build models results .pytest_cache staff/assets/node_modules
