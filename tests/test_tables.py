"""Datasette serves every table of the data contract, with its facets and labels."""
import re
import sqlite3

import pytest
import sqlite_utils

import build_db
from conftest import EMPTY_ON_SEEDS

TABLES = sorted(build_db.TABLES)


@pytest.mark.parametrize("table", TABLES)
async def test_table_page_with_configured_facets(ds, db_path, metadata, table):
    response = await ds.client.get(f"/facts/{table}")
    assert response.status_code == 200
    # a facet with no values shows no block (the seed has no outlet and no publication date)
    conn = sqlite3.connect(db_path)
    facets = [column for column in facet_columns(metadata, table)
              if conn.execute(f"select 1 from [{table}] where [{column}] is not null limit 1").fetchone()]
    conn.close()
    shown = re.findall(r'<div class="facet-info facet-facts-[\w-]+" id="facet-\w+" data-column="(\w+)">', response.text)
    assert sorted(shown) == sorted(facets)


def facet_columns(metadata, table):
    """The columns of a table's default facets: {counted: column} (plugins/counted_facets.py)."""
    facets = metadata["databases"]["facts"]["tables"][table].get("facets", [])
    assert all(list(facet) == ["counted"] for facet in facets), facets
    return [facet["counted"] for facet in facets]


def test_default_facets_users_rely_on(metadata):
    assert {"speaker_id", "kind", "verb", "article_id", "review"} <= set(facet_columns(metadata, "quotes"))
    assert "country_id" in facet_columns(metadata, "people") and "country_id" in facet_columns(metadata, "organizations")
    assert sum(bool(facet_columns(metadata, t)) for t in TABLES) >= 9


@pytest.mark.parametrize("table", TABLES)
async def test_table_json_has_the_contract_columns(ds, table):
    response = await ds.client.get(f"/facts/{table}.json?_shape=objects")
    assert response.status_code == 200
    data = response.json()
    assert data["columns"] == list(build_db.TABLES[table][0])
    assert data["rows"] or table in EMPTY_ON_SEEDS, f"{table} is empty"


async def test_every_contract_column_is_described(metadata):
    tables = metadata["databases"]["facts"]["tables"]
    for table, (columns, _) in build_db.TABLES.items():
        assert tables[table]["description"]
        assert set(tables[table]["columns"]) == set(columns), table


async def test_foreign_keys_are_labelled(ds):
    response = await ds.client.get(
        "/facts/quotes.json?_shape=array&_labels=on&speaker_id=raquel-serur-smeke&kind=direct"
    )
    [row] = response.json()
    assert row["speaker_id"] == {"value": "raquel-serur-smeke", "label": "Raquel Serur Smeke"}


async def test_table_search_ignores_accents(ds):
    response = await ds.client.get("/facts/quotes.json?_search=Chavez&_shape=array")
    assert response.status_code == 200
    assert any("Chávez" in row["text"] for row in response.json())


async def test_only_the_contract_is_visible(ds):
    data = (await ds.client.get("/facts.json")).json()
    visible = {t["name"] for t in data["tables"] if not t["hidden"]}
    hidden = {t["name"] for t in data["tables"] if t["hidden"]}
    assert visible == set(build_db.TABLES)
    assert {f"{name}_fts" for name in build_db.FTS_TABLES} <= hidden
    assert {v["name"] for v in data["views"]} == set(build_db.VIEWS)


async def test_sortable_columns(ds):
    page = (await ds.client.get("/facts/quotes")).text
    assert 'href="/facts/quotes?_sort=verb"' in page
    assert 'href="/facts/quotes?_sort=text"' not in page


def test_every_table_has_a_label_column(metadata):
    tables = metadata["databases"]["facts"]["tables"]
    for table, (columns, _) in build_db.TABLES.items():
        assert tables[table]["label_column"] in columns, table


def test_foreign_key_and_facet_columns_are_indexed(db_path, metadata):
    db = sqlite_utils.Database(db_path)
    checked = 0
    for table in TABLES:
        # an index led by the column serves it as well as one of its own
        indexed = {tuple(index.columns[:1]) for index in db[table].indexes}
        wanted = {fk.column for fk in db[table].foreign_keys}
        wanted |= set(facet_columns(metadata, table))
        for column in wanted:
            assert (column,) in indexed, f"{table}.{column} has no index"
            checked += 1
    assert checked > 30
