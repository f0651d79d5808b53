# Two commands: `make serve` and `make test`. Both create .venv when missing, reinstall only
# when pyproject.toml changes, and rebuild facts.db only when the seeds or the build change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001
# `make add` adds to this folder (the tests point it at a copy).
SEEDS_DIR ?= seeds
SEEDS := $(shell find seeds -type f | sort)
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
apt_install = $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(1) >/dev/null

.PHONY: serve test check chromium clean add eval eval-polnear
.DELETE_ON_ERROR:

# Debian's python3 needs python3-venv for `python3 -m venv`; a failed venv is removed whole.
$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { echo "Installing python3-venv"; $(call apt_install,python3-venv); }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

facts.db: build_db.py $(wildcard article_facts/*.py) $(SEEDS) $(VENV)/.installed
	$(BIN)/python build_db.py --seeds seeds --db facts.db

check: $(VENV)/.installed
	$(BIN)/python build_db.py --seeds seeds --check

# A new article: copy the text to $(SEEDS_DIR)/<slug>/article.txt, draft its facts.yml, check.
# `make add ARTICLE=path/to/text.txt [SLUG=my-slug]`
add: $(VENV)/.installed
	@test -n "$(ARTICLE)" || { echo "usage: make add ARTICLE=path/to/text.txt [SLUG=my-slug]" >&2; exit 1; }
	@$(BIN)/python build_db.py add "$(ARTICLE)" --seeds "$(SEEDS_DIR)" $(if $(SLUG),--slug "$(SLUG)")

# Datasette's configuration-directory mode: metadata.yml, plugins/, templates/ and facts.db.
serve: facts.db
	$(BIN)/datasette serve . --host 127.0.0.1 --port $(PORT)

# The browser tests drive Debian's Chromium at $(CHROMIUM); install it when it is missing.
chromium:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; $(call apt_install,chromium); }

test: facts.db chromium
	$(BIN)/python -m pytest

# The extractor's accuracy on tests/extraction (+ the seed), and on PolNeAR's dev split when
# ../shared/corpora/polnear is there (skips otherwise; the corpus's test split is never read).
POLNEAR ?= ../shared/corpora/polnear
eval: $(VENV)/.installed
	$(BIN)/python -m article_facts.evaluate --set tests/extraction

eval-polnear: $(VENV)/.installed
	@if [ -f $(POLNEAR)/dev.jsonl ]; then $(BIN)/python -m article_facts.evaluate --polnear $(POLNEAR)/dev.jsonl; \
	else echo "PolNeAR not found at $(POLNEAR): eval-polnear skipped"; fi

clean:
	rm -rf $(VENV) facts.db .facts.db.*.tmp tests/screenshots
