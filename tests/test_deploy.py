"""Deployment stays reproducible: the Dockerfile runs exactly `make serve-prod`, and every
installed package is the one the locks pin. Docker does not run here, so these read the files."""
import importlib.metadata
import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from article_facts import serve
from article_facts.inspect_file import inspect_path

ROOT = Path(__file__).parent.parent
PIN_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)
MAKE_VARIABLES = ("DB", "INSPECT", "HOST", "PORT", "WORKERS", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path):
    """{package: version} from a uv/pip-compile lock file."""
    return {normalise(name): version for name, version in PIN_RE.findall(path.read_text(encoding="utf-8"))}


def serve_prod_command():
    """The command `make serve-prod` runs with its defaults, as an argument list."""
    env = {key: value for key, value in os.environ.items() if key not in MAKE_VARIABLES}
    out = subprocess.run(["make", "-n", "serve-prod"], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    lines = [line for line in out.splitlines() if "-m article_facts.serve" in line]
    assert len(lines) == 1, out
    argv = shlex.split(lines[0])
    assert argv[0].endswith("/python"), argv  # the venv's python; the image has only one
    return ["python"] + argv[1:]


def dockerfile_instructions():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)  # continuation lines
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_dockerfile_runs_the_serve_prod_command():
    instructions = dockerfile_instructions()
    commands = [line for line in instructions if line.split()[0] in ("CMD", "ENTRYPOINT")]
    assert len(commands) == 1, "one CMD and no ENTRYPOINT, so nothing wraps the command"
    keyword, _, argv = commands[0].partition(" ")
    assert keyword == "CMD"
    assert json.loads(argv) == serve_prod_command()


def test_serve_prod_serves_the_inspected_database_the_image_builds():
    argv = serve_prod_command()
    db = argv[argv.index("--db") + 1]
    inspect_file = argv[argv.index("--inspect-file") + 1]
    runs = " ".join(line for line in dockerfile_instructions() if line.startswith("RUN "))
    assert f"build_db.py --seeds seeds --db {db}" in runs
    # the build writes the inspect file beside the database (article_facts/inspect_file.py)
    assert inspect_file == str(inspect_path(db)) or f"datasette inspect {db} --inspect-file {inspect_file}" in runs


def test_dockerfile_base_image_is_pinned():
    froms = [line for line in dockerfile_instructions() if line.startswith("FROM ")]
    assert froms and all(re.match(r"FROM python:3\.11\.\d+-slim@sha256:[0-9a-f]{64}$", line) for line in froms), froms


def test_dockerfile_installs_from_the_prod_lock_with_hashes():
    runs = [line for line in dockerfile_instructions() if line.startswith("RUN ")]
    assert any("pip install --require-hashes -r requirements-prod.lock" in line for line in runs)
    installs = [line for line in runs if "pip install" in line]
    for line in installs:
        for part in line.split("&&"):
            if "pip install" in part:
                assert "--require-hashes" in part or "--no-deps" in part, part


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-prod.lock"])
def test_every_lock_entry_is_pinned_with_hashes(lock):
    text = (ROOT / lock).read_text(encoding="utf-8")
    entries = re.findall(r"^([A-Za-z0-9][^\s\\]*)(.*?)(?=^\S|\Z)", text, re.M | re.S)
    assert entries
    for requirement, rest in entries:
        assert "==" in requirement, requirement
        assert "--hash=sha256:" in rest, requirement


def test_prod_lock_agrees_with_the_full_lock():
    full, prod = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-prod.lock")
    assert {name: full.get(name) for name in prod} == prod


def test_every_installed_package_is_pinned_by_the_lock():
    """The venv make builds holds the lock's versions and nothing else (the project itself
    is installed with --no-deps)."""
    locked = pins(ROOT / "requirements.lock")
    installed = {
        normalise(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions()
        if normalise(dist.metadata["Name"]) != "article-facts"
    }
    assert {name: version for name, version in installed.items() if locked.get(name) != version} == {}


def test_serve_refuses_an_inspect_file_older_than_the_database(tmp_path, db_path):
    """An append can leave the file's size as it was: the inspect file must also be newer."""
    db = tmp_path / "facts.db"
    db.write_bytes(db_path.read_bytes())
    inspect_file = tmp_path / "facts.inspect.json"
    subprocess.run([str(Path(os.sys.executable).parent / "datasette"), "inspect", str(db),
                    "--inspect-file", str(inspect_file)], check=True)
    assert serve.load_inspect(db, inspect_file)["facts"]["size"] == db.stat().st_size
    later = inspect_file.stat().st_mtime + 5
    os.utime(db, (later, later))  # written again after the inspect file, same size
    with pytest.raises(serve.ServeError, match="made before facts.db was last written"):
        serve.load_inspect(db, inspect_file)


def test_serve_refuses_an_inspect_file_made_for_another_database(tmp_path, db_path):
    other = tmp_path / "facts.inspect.json"
    other.write_text(json.dumps({"facts": {"hash": "0", "size": 1, "file": "facts.db", "tables": {}}}))
    with pytest.raises(serve.ServeError, match="different facts.db"):
        serve.load_inspect(db_path, other)


async def test_production_datasette_is_immutable_with_public_settings(tmp_path, db_path):
    inspect_file = tmp_path / "facts.inspect.json"
    subprocess.run([str(Path(os.sys.executable).parent / "datasette"), "inspect", str(db_path),
                    "--inspect-file", str(inspect_file)], check=True)
    ds = serve.make_datasette(db_path, inspect_file)
    databases = (await ds.client.get("/-/databases.json")).json()
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("facts", False)]
    assert databases[0]["hash"] == json.loads(inspect_file.read_text())["facts"]["hash"]
    settings = (await ds.client.get("/-/settings.json")).json()
    assert {key: settings[key] for key in serve.SETTINGS} == serve.SETTINGS
    quote = await ds.client.get("/quotes/peru-severs-relations-chavez-asylum-q1")
    assert quote.status_code == 200
    assert (await ds.client.get("/facts.db")).status_code == 403


def test_a_misspelt_setting_stops_the_server_and_ours_are_all_known():
    serve.check_settings(serve.SETTINGS)
    with pytest.raises(serve.ServeError, match="unknown Datasette settings: sugest_facets"):
        serve.check_settings(dict(serve.SETTINGS, sugest_facets=False))
