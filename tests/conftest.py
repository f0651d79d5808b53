"""Shared fixtures: a real facts.db built by build_db.py, and a real Datasette serving it."""
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

import build_db

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
SLUG = "peru-severs-relations-chavez-asylum"


@pytest.fixture(scope="session")
def seeds_dir():
    return SEEDS


@pytest.fixture(scope="session")
def slug():
    return SLUG


@pytest.fixture(scope="session")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "facts.db"
    build_db.build(SEEDS, path)
    return path


@pytest.fixture(scope="session")
def body():
    return (SEEDS / SLUG / "article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def metadata():
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))


@pytest.fixture
def ds(db_path, metadata):
    return Datasette(
        [str(db_path)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        template_dir=str(ROOT / "templates"),
    )
