# The README's two commands (make run, make test) and what they stand on; `make bundle` for machines without internet.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := data/model/classifier.joblib

# An unpacked bundle (make bundle) has wheels/ and bundle.mk (BUNDLE_PYTHON, the Python its wheels are for) in place
# of the source: everything installs from wheels/ alone, the project from its own wheel.
-include bundle.mk
# A bundle also carries pip's wheel, so that a Python without ensurepip (Debian without python3-venv, which only root
# can add) will do: its venv is made without pip, and pip installed from that wheel.
PROJECT_WHEEL := $(wildcard wheels/yuqing-*.whl)
PIP_WHEEL := $(wildcard wheels/pip-*.whl)
ifeq ($(PROJECT_WHEEL),)
PIP_SOURCES :=
PROJECT := --no-build-isolation -e .
else
PIP_SOURCES := --no-index --find-links wheels
PROJECT := $(PROJECT_WHEEL)
endif
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps $(PIP_SOURCES)

# The Python: PYTHON=, else the one the venv was made with, else the newest supported one on the machine (3.13, 3.12,
# 3.11: tools/find-python), or in a bundle the one its wheels are for. One venv per Python: a second Python gets its
# own, e.g. `make test PYTHON=python3.11 VENV=.venv-3.11`.
python_version = $(shell $(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV_VERSION := $(call python_version,$(BIN)/python)
PYTHON ?= $(if $(VENV_VERSION),$(BIN)/python,$(shell sh tools/find-python $(if $(PIP_WHEEL),--without-ensurepip) \
	$(BUNDLE_PYTHON)))
PYTHON_VERSION := $(call python_version,$(PYTHON))
MAKE_VENV := $(PYTHON) -m venv $(VENV)
ifneq ($(PIP_WHEEL),)
ifeq ($(shell $(PYTHON) -c 'import ensurepip' 2>/dev/null && echo yes),)
MAKE_VENV := $(PYTHON) -m venv --without-pip $(VENV) && $(BIN)/python $(PIP_WHEEL)/pip install --quiet \
	--disable-pip-version-check --no-index $(PIP_WHEEL)
endif
endif
ifeq ($(PYTHON_VERSION),)
$(error $(if $(PYTHON),PYTHON=$(PYTHON) does not run,no Python $(or $(BUNDLE_PYTHON),3.11 to 3.13) that can make a \
	venv was found; install one (without root: pyenv), or name it with PYTHON=))
endif
ifneq ($(VENV_VERSION),)
ifneq ($(VENV_VERSION),$(PYTHON_VERSION))
$(error $(VENV) holds Python $(VENV_VERSION), not $(PYTHON_VERSION) ($(PYTHON)): give it its own venv, \
	e.g. VENV=.venv-$(PYTHON_VERSION))
endif
endif
ifneq ($(BUNDLE_PYTHON),)
ifneq ($(BUNDLE_PYTHON),$(PYTHON_VERSION))
$(error this bundle's wheels are for Python $(BUNDLE_PYTHON), not $(PYTHON_VERSION) ($(PYTHON)))
endif
endif

.PHONY: install run test lint lock bundle

# The model file is shared by every venv, and one built under another Python does not load: --if-stale rebuilds it
# then (and loads it, about two seconds, otherwise).
install: $(STAMP) $(MODEL)
	$(BIN)/yuqing train --no-corrections --if-stale

# Installs only what requirements.lock pins (--no-deps), then the project itself: editable from the source, or its
# wheel in a bundle.
$(STAMP): requirements.lock $(wildcard pyproject.toml) $(PROJECT_WHEEL)
	test -x $(BIN)/python || { $(MAKE_VENV); }
	$(PIP_INSTALL) -r requirements.lock
	$(PIP_INSTALL) $(PROJECT)
	touch $(STAMP)

# The classifier is built from the corpus, never downloaded; rebuilt when the corpus or the training code changes
# (in a bundle, the code is the installed wheel: $(STAMP)).
$(MODEL): $(STAMP) $(wildcard data/corpus/posts/*.jsonl data/dictionary/government-terms.txt \
		classifier/model.py classifier/ngrams.py classifier/training.py classifier/corpus.py classifier/tokens.py)
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

# dist/yuqing-VERSION-pyX.Y-PLATFORM.tar.gz: everything a machine without internet needs, for this venv's Python and
# this machine's platform (tools/bundle).
bundle: $(STAMP)
	bash tools/bundle $(BIN)/python
