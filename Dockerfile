# The public site as one container: installs from requirements-prod.lock (every package pinned
# with its hashes), builds facts.db from seeds/ (the build writes its inspect file,
# facts.inspect.json, beside it), and runs exactly the command `make serve-prod` runs
# (tests/test_deploy.py checks both). Cloud Run: deploy with --port 8001; Fly: internal_port =
# 8001. More processes: change --workers below and WORKERS in the Makefile together.
# The digest is python:3.11.15-slim's as published; refresh both with
# `docker buildx imagetools inspect python:3.11.15-slim`.
FROM python:3.11.15-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements-prod.lock ./
RUN python -m pip install --require-hashes -r requirements-prod.lock

COPY pyproject.toml README.md build_db.py metadata.yml ./
COPY article_facts/ article_facts/
COPY plugins/ plugins/
COPY templates/ templates/
COPY seeds/ seeds/
RUN python -m pip install --no-deps --no-build-isolation -e . \
    && python build_db.py --seeds seeds --db facts.db

# The server only reads: it runs as a user that cannot change the database.
RUN useradd --system --no-create-home facts
USER facts

EXPOSE 8001
CMD ["python", "-m", "article_facts.serve", "--db", "facts.db", "--inspect-file", "facts.inspect.json", "--host", "0.0.0.0", "--port", "8001", "--workers", "1"]
