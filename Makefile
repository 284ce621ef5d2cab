# Gloss: the two commands a newcomer needs are `make site` and `make test`.
# Both set everything up first (a virtualenv with the pinned, hash-checked dependencies,
# including the spaCy model), so they work on a fresh clone.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup site serve test check clean lock

setup: $(STAMP)

$(STAMP): requirements/base.txt requirements/test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt -r requirements/test.txt
	# Gloss itself, editable, so `python -m builder` and `gloss` work from any folder
	$(PY) -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $(STAMP)

site: setup
	$(PY) -m builder build .

serve: setup
	$(PY) -m builder serve .

test: setup
	bash scripts/ensure-chromium
	bash scripts/ensure-actionlint
	$(PY) -m pytest

clean:
	rm -rf public .gloss-cache

# Re-pin dependencies (needs network): edit requirements/*.in, then `make lock`.
lock: setup
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 requirements/base.in -o requirements/base.txt
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 requirements/test.in -o requirements/test.txt
	$(PY) scripts/pin_model_wheel.py requirements/base.txt
