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

.PHONY: serve serve-prod review lock bench bench-add bench-review test fuzz loadtest check chromium clean add eval eval-polnear polnear-adds metadata
.DELETE_ON_ERROR:

# Debian's python3 needs python3-venv for `python3 -m venv`; a failed venv is removed whole.
$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { echo "Installing python3-venv"; $(call apt_install,python3-venv); }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# Installs come from requirements.lock (every package pinned with its hashes, all extras);
# `pip check` stops a pyproject.toml change that the lock does not cover yet.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check || { echo "requirements.lock does not cover pyproject.toml: run make lock"; exit 1; }
	touch $@

# Refresh the locks after changing dependencies in pyproject.toml: requirements.lock (all
# extras: make, CI) and requirements-prod.lock (no extras: the Dockerfile). uv, from PyPI,
# runs from its own venv so it is not one of the project's installed packages.
UV_VERSION := 0.13.9
UV := $(VENV)/uv-tool/bin/uv
LOCK_INPUTS := printf 'pip\nsetuptools>=77\n'
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --native-tls --quiet
$(UV):
	$(PYTHON) -m venv $(VENV)/uv-tool
	$(VENV)/uv-tool/bin/python -m pip install --quiet uv==$(UV_VERSION)

lock: $(UV)
	$(LOCK_INPUTS) | $(UV) pip compile pyproject.toml - --all-extras $(LOCK_FLAGS) -o requirements.lock
	$(LOCK_INPUTS) | $(UV) pip compile pyproject.toml - $(LOCK_FLAGS) -o requirements-prod.lock

# On a terminal the build shows its progress on stderr (articles, then indexes, search, counts,
# exports); in logs and pipes it prints only its one-line summary. It also writes
# facts.inspect.json (hash and table counts, for serve-prod) beside the database.
facts.db facts.inspect.json &: build_db.py $(wildcard article_facts/*.py) metadata.yml $(SEEDS) $(VENV)/.installed
	$(BIN)/python build_db.py --seeds seeds --db facts.db

check: $(VENV)/.installed
	$(BIN)/python build_db.py --seeds seeds --check

# metadata.yml's `columns:` descriptions, rewritten from article_facts/contract.py (everything
# else in the file stays as written); tests/test_contract.py fails while they disagree.
metadata: $(VENV)/.installed
	$(BIN)/python -m article_facts.metadata_columns metadata.yml

# A new article: copy the text to $(SEEDS_DIR)/<slug>/article.txt, draft its facts.yml, check.
# `make add ARTICLE=path/to/text.txt|page.html [SLUG=my-slug] [URL=... OUTLET=... AUTHOR=... PUBLISHED=YYYY-MM-DD HEADLINE=...]`
# Many at once: ARTICLE=folder/ (its .txt/.html/.htm files) or ARTICLE='a.txt b.html' (or a glob):
# each file is added or refused on its own, a table sums them up, exit status 1 if any was refused.
# ARTICLE that names one existing path is passed whole (spaces and all); otherwise the shell splits it.
add: $(VENV)/.installed
	@test -n "$(ARTICLE)" || { echo "usage: make add ARTICLE=path/to/text.txt [SLUG=my-slug]" >&2; exit 1; }
	@if [ -e "$(ARTICLE)" ]; then set -- "$(ARTICLE)"; else set -- $(ARTICLE); fi; \
	PORT=$(PORT) $(BIN)/python build_db.py add "$$@" --seeds "$(SEEDS_DIR)" $(if $(SLUG),--slug "$(SLUG)") \
		$(foreach option,URL OUTLET AUTHOR PUBLISHED HEADLINE,$(if $($(option)),--$(shell echo $(option) | tr A-Z a-z) "$($(option))"))

# Datasette's configuration-directory mode: metadata.yml, plugins/, templates/ and facts.db.
# A rebuild or `build_db.py append` while it runs is served within seconds, no restart
# (article_facts/live.py); so is it under serve-prod, by every worker.
serve: facts.db
	$(BIN)/datasette serve . --host 127.0.0.1 --port $(PORT)

# The local review server: `make serve` plus the review pages (/-/review), which edit
# $(SEEDS_DIR)/*/facts.yml and rebuild facts.db on each save. 127.0.0.1 only, never public.
review: facts.db
	$(BIN)/python -m article_facts.review_server --db facts.db --seeds $(SEEDS_DIR) --port $(PORT)

# Production: what the Dockerfile runs (tests/test_deploy.py checks they agree). DB must be a
# file named facts.db; its inspect file (table counts, hash = the version for ETags) sits
# next to it: the build and append write it with the database; the pattern rule below makes one
# with `datasette inspect` for a DB built some other way. Settings for a public site are in article_facts/serve.py. WORKERS > 1 runs
# several uvicorn processes on one port (datasette serve has no workers option).
DB ?= facts.db
INSPECT ?= $(DB:.db=.inspect.json)
HOST ?= 0.0.0.0
WORKERS ?= 1

%.inspect.json: %.db | $(VENV)/.installed
	$(BIN)/datasette inspect $< --inspect-file $@

serve-prod: $(DB) $(INSPECT)
	$(BIN)/python -m article_facts.serve --db $(DB) --inspect-file $(INSPECT) --host $(HOST) --port $(PORT) --workers $(WORKERS)

# Benchmark (bench/run.py): synthesise ARTICLES articles, build them, serve them with
# serve-prod and with plain Datasette, measure both; writes bench/results.md. Long: not in test.
ARTICLES ?= 2000
BENCH_WORK ?= bench/work
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py --articles $(ARTICLES) --work $(BENCH_WORK) --out bench/results.md

# What `add` costs as the archive grows (bench/add_cost.py): the same article added to the seeds
# alone and to synthetic archives of each size in ADD_SIZES, REPS times each; median, ratios.
# Appends a section to bench/results.md. Long at 100,000: not in test.
ADD_SIZES ?= 10000 100000
REPS ?= 5
bench-add: $(VENV)/.installed
	$(BIN)/python bench/add_cost.py --sizes $(ADD_SIZES) --reps $(REPS) --work $(BENCH_WORK)/add --out bench/results.md

# What a review save costs as the archive grows (bench/review_save.py): accepts on the seeds and
# on synthetic archives of REVIEW_SIZES articles, the one-article path, and one full-path save.
# Writes a section of bench/results.md. Long at 100,000: not in test.
REVIEW_SIZES ?= 10000
bench-review: $(VENV)/.installed
	$(BIN)/python bench/review_save.py --sizes $(REVIEW_SIZES) --reps $(REPS) --work $(BENCH_WORK)/review --out bench/results.md

# Fuzz (tests/test_fuzz.py): `make test` runs 2,000 seeded requests; this runs FUZZ_REQUESTS.
FUZZ_REQUESTS ?= 20000
FUZZ_SEED ?= 8
fuzz: facts.db
	FUZZ_REQUESTS=$(FUZZ_REQUESTS) FUZZ_SEED=$(FUZZ_SEED) $(BIN)/python -m pytest tests/test_fuzz.py -q -s

# Load test (bench/loadtest.py): serve-prod on a free loopback port, LOAD_REQUESTS requests
# from LOAD_CLIENTS clients with heavy ?sql= queries mixed in; writes bench/loadtest-results.md.
LOAD_REQUESTS ?= 20000
LOAD_CLIENTS ?= 32
loadtest: $(DB) $(INSPECT)
	$(BIN)/python bench/loadtest.py --db $(DB) --requests $(LOAD_REQUESTS) --concurrency $(LOAD_CLIENTS) --workers $(WORKERS)

# The browser tests drive Debian's Chromium at $(CHROMIUM); install it when it is missing.
chromium:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; $(call apt_install,chromium); }

test: facts.db chromium
	$(BIN)/python -m pytest

# The extractor's accuracy on tests/extraction (+ the seed), and on PolNeAR (train + dev pooled,
# split once into a development part and a locked validation part, both printed) when
# ../shared/corpora/polnear is there (skips otherwise; the corpus's test split is never read).
POLNEAR ?= ../shared/corpora/polnear
eval: $(VENV)/.installed
	$(BIN)/python -m article_facts.extract.evaluate --set tests/extraction

eval-polnear: $(VENV)/.installed
	@if [ -f $(POLNEAR)/dev.jsonl ]; then $(BIN)/python -m article_facts.extract.evaluate --polnear $(POLNEAR); \
	else echo "PolNeAR not found at $(POLNEAR): eval-polnear skipped"; fi

clean:
	rm -rf $(VENV) facts.db facts.exports facts.inspect.json .facts.db.*.tmp .facts.db.*.tmp-journal tests/screenshots

# Every PolNeAR train and dev article added one by one with `add`, then a full build: the build
# must accept every unedited draft (long; skips when the corpus is absent).
polnear-adds: $(VENV)/.installed
	$(BIN)/python bench/polnear_adds.py --polnear $(POLNEAR)
