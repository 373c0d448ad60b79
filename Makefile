# The README's two commands (make run, make test) and what they stand on.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := data/model/classifier.joblib

.PHONY: install run test lint lock

install: $(STAMP) $(MODEL)

# Installs only what requirements.lock pins (--no-deps), then the project itself in editable mode.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The classifier is built from the corpus, never downloaded; rebuilt when the corpus or the training code changes.
$(MODEL): $(STAMP) $(wildcard data/corpus/posts/*.jsonl) data/dictionary/government-terms.txt \
		classifier/model.py classifier/ngrams.py classifier/training.py classifier/corpus.py classifier/tokens.py
	$(BIN)/yuqing train --no-corrections

run: install
	$(BIN)/yuqing db upgrade
	$(BIN)/yuqing run

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .

# Re-resolves the pins from pyproject.toml's ranges; review the diff before committing it.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -U pip setuptools wheel
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	.lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v '^pip==' > requirements.lock
	rm -rf .lock-venv
