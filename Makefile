# Two commands: `make serve` and `make test`. Both create .venv when missing, reinstall only
# when pyproject.toml changes, and rebuild facts.db only when the seeds or the build change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001
SEEDS := $(shell find seeds -type f | sort)

.PHONY: serve test check chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

facts.db: build_db.py $(SEEDS) $(VENV)/.installed
	$(BIN)/python build_db.py --seeds seeds --db facts.db

check: $(VENV)/.installed
	$(BIN)/python build_db.py --seeds seeds --check

# Datasette's configuration-directory mode: metadata.yml, plugins/, templates/ and facts.db.
serve: facts.db
	$(BIN)/datasette serve . --host 127.0.0.1 --port $(PORT)

# The browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: facts.db chromium
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) facts.db facts.db.tmp tests/screenshots
