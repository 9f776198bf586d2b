# ClusterLab: two commands do everything.
#   make run   set up (first time) and serve the app on http://127.0.0.1:8000
#   make test  set up (first time) and run lint, format check and the whole test suite

VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
HOST      ?= 127.0.0.1
PORT      ?= 8000

.PHONY: run test setup lint format bench clean

$(STAMP): requirements/base.txt requirements/dev.txt scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	bash scripts/bench.sh

clean:
	rm -rf $(VENV) .pytest_cache staticfiles
