"""Fuzz every route we add, every saved query and every table and view page with generated ids
and parameters, through real Datasette in-process (its ASGI app, so raw paths, odd methods and
percent-encodings reach it unnormalised). Only 2xx, 3xx, 400, 404, 405 are acceptable; a 500,
any other status, or an exception escaping the app fails the test with the requests that
caused it.

Seeded and deterministic: FUZZ_SEED (default 8) picks the requests, FUZZ_REQUESTS (default
2,000, the reduced run of `make test`) how many; `make fuzz` runs 20,000.
"""
import os
import random
import sqlite3
import string
from collections import Counter
from urllib.parse import quote, unquote

import pytest
from datasette.app import Datasette

from conftest import ROOT, asgi_send

SEED = int(os.environ.get("FUZZ_SEED", "8"))
REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "2000"))
ACCEPTED = {400, 404, 405}
METHODS = ["GET"] * 14 + ["HEAD"] * 2 + ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "get"]

NASTY = [
    "", " ", "0", "-1", "1e999", "99999999999999999999999", "NaN", "null", "true", "[]", "{}", "[1",
    '{"table":"people"}', '{"table":"quotes","column":"speaker_id","value":"x"}',
    "'", '"', "''", "'; drop table quotes; --", "1 or 1=1", "1) union select sql from sqlite_master --",
    "select 1", "select zeroblob(50000000)", "length(randomblob(100000000))>0", "1=1", "rowid > 0",
    "NEAR(a b)", "a AND", "OR", "NOT x", "*", "a*", '"unbalanced', "text:chavez", "^start", "(", ")",
    "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%00", "\x00", "\x02", "\x03", "\r\n", "\t", "%", "%%",
    "%zz", "%C0%AF", "~", "~2E", "/", "//", "\\", "<script>alert(1)</script>", "\"><img src=x>",
    "javascript:alert(1)", "é", "Chávez", "ÁLVAREZ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\ud7ff", "\u202e", "\ufeff", "🙂" * 50,
    "a" * 5000, "x" * 70, "2024-13-45", "1.5", "-0", "0x10", "abc", "_", "__", "id", "text", "start",
]
PARAMETERS = [
    "_sort", "_sort_desc", "_facet", "_facet_array", "_facet_date", "_facet_size", "_size", "_next",
    "_timelimit", "_through", "_where", "_col", "_nocol", "_labels", "_label", "_shape", "_search",
    "_search_text", "_searchmode", "_fts_table", "_fts_pk", "_json", "_trace", "_stream", "_dl",
    "_header", "_nl", "_ttl", "_nofacet", "_nocount", "_extra", "_hash", "_context", "_sql", "sql",
    "_blob_column", "_blob_hash", "_format", "_filter_column", "_filter_op", "_filter_value",
    "_filter_column_1", "_filter_op_1", "_filter_value_1", "_json_infinity",
]
OPERATORS = ["exact", "not", "contains", "endswith", "startswith", "gt", "gte", "lt", "lte", "like",
             "notlike", "glob", "in", "notin", "arraycontains", "arraynotcontains", "date", "isnull",
             "notnull", "isblank", "notblank", "nope", ""]
FORMATS = ["", "", "", ".json", ".csv", ".jsono", ".blob", ".xml", ".JSON", "."]


def database_objects(db_path):
    with sqlite3.connect(db_path) as conn:
        objects = conn.execute(
            "select name, type from sqlite_master where type in ('table', 'view') order by name"
        ).fetchall()
        columns = {name: [row[1] for row in conn.execute(f"pragma table_info([{name}])")] for name, _ in objects}
        ids = {
            table: [row[0] for row in conn.execute(f"select id from [{table}] order by id limit 30")]
            for table in ("quotes", "articles", "people", "paragraphs", "countries", "organizations")
        }
    return objects, columns, ids


class Generator:
    """Requests from a seeded random source: real ids and names mixed with hostile values."""

    def __init__(self, seed, db_path, metadata):
        self.random = random.Random(seed)
        self.objects, self.columns, self.ids = database_objects(db_path)
        self.queries = metadata["databases"]["facts"]["queries"]
        self.query_params = {
            name: sorted(set(p for p in ("q", "speaker", "entity", "id") if f":{p}" in q["sql"]))
            for name, q in self.queries.items()
        }

    def pick(self, items):
        return self.random.choice(items)

    def text(self):
        r = self.random.random()
        if r < 0.45:
            return self.pick(NASTY)
        if r < 0.65:
            return self.pick(self.pick(list(self.ids.values())))
        if r < 0.8:
            alphabet = string.printable + "éÁñ“”‘’…—⟦⟧\u0000\u0002\u0003\ud800"
            return "".join(self.pick(alphabet) for _ in range(self.random.randint(1, 40)))
        if r < 0.9:
            return "".join(chr(self.random.randint(1, 0x2FFFF)) for _ in range(self.random.randint(1, 12)))
        return self.pick(NASTY) * self.random.randint(2, 300)

    def encode(self, value):
        """Percent-encode, sometimes leaving characters raw or double-encoding them."""
        r = self.random.random()
        if r < 0.7:
            return quote(value.encode("utf-8", "surrogatepass"), safe="")
        if r < 0.85:
            return quote(quote(value.encode("utf-8", "surrogatepass"), safe=""), safe="")
        return value.encode("utf-8", "surrogatepass").decode("latin-1")

    def column(self, table):
        return self.pick(self.columns.get(table, ["id"]) + ["rowid", "nope", self.text()])

    def query_string(self, table=None, fixed=()):
        pairs = list(fixed)
        for _ in range(self.random.choice([0, 1, 1, 2, 3, 5])):
            r = self.random.random()
            if r < 0.5:
                key = self.pick(PARAMETERS)
            elif r < 0.8 and table:
                op = self.pick(OPERATORS)
                key = self.column(table) + (f"__{op}" if op else "")
            else:
                key = self.text()[:30]
            value = self.column(table) if key in ("_sort", "_sort_desc", "_facet", "_col", "_nocol") and table and self.random.random() < 0.6 else self.text()
            pairs.append((key, value))
        return "&".join(f"{self.encode(k)}={self.encode(v)}" for k, v in pairs)

    def request(self):
        """(method, raw path, query string)."""
        method = self.pick(METHODS)
        kind = self.random.random()
        fmt = self.pick(FORMATS)
        if kind < 0.06:  # /check (plugins/check_page.py): pasted words, a speaker, a language
            fixed = [(p, self.text()) for p in ("q", "speaker", "lang") if self.random.random() < (0.9 if p == "q" else 0.3)]
            return method, "/check" + self.pick(["", ".json", ".csv", ".json/x", "/"]), self.query_string(None, fixed)
        if kind < 0.3:  # our routes
            prefix, table = self.pick([("quotes", "quotes"), ("articles", "articles"), ("speakers", "people")])
            key = self.pick(self.ids[table]) if self.random.random() < 0.5 else self.text()
            path = f"/{prefix}/{self.encode(key)}{self.pick(['', '', '.json', '.csv', '/', '.json/x'])}"
            return method, path, self.query_string() if self.random.random() < 0.3 else ""
        if kind < 0.55:  # saved queries
            name = self.pick(sorted(self.queries))
            fixed = [(p, self.text()) for p in self.query_params[name] if self.random.random() < 0.9]
            return method, f"/facts/{name}{fmt}", self.query_string(None, fixed)
        if kind < 0.85:  # table and view pages, and row pages
            table = self.pick(self.objects)[0]
            if self.random.random() < 0.2:
                key = self.pick(self.ids.get(table) or ["1"]) if self.random.random() < 0.5 else self.text()
                return method, f"/facts/{table}/{self.encode(key)}{fmt}", self.query_string(table)
            return method, f"/facts/{self.encode(table) if self.random.random() < 0.1 else table}{fmt}", self.query_string(table)
        if kind < 0.95:  # the database page with SQL
            sql = self.pick(["select 1", "select * from quotes", "select zeroblob(50000000)",
                             "select 1 as paragraph_id", "select x'00' as paragraph_id", self.text(),
                             f"select * from {self.pick(self.objects)[0]} where {self.column('quotes')} = '{self.text()[:20]}'"])
            return method, f"/facts{self.pick(['', '.json', '.csv'])}", self.query_string(None, [("sql", sql)])
        path = self.pick(["/", "/.json", "/about", "/-/databases", "/-/databases.json", "/-/versions.json",
                          "/-/plugins.json", "/-/metadata.json", "/-/static/app.css", "/-/static/" + self.text()[:20],
                          "/" + self.text()[:40], "/facts.db", "/facts/" + self.text()[:40] + "/" + self.text()[:10]])
        return method, self.encode(path).replace("%2F", "/") if self.random.random() < 0.2 else path, ""


async def asgi_request(app, method, raw_path, query_string):
    """One request straight into the ASGI app: (status, body head)."""
    # As a server builds them: raw_path is the bytes of the request line (raw non-ASCII included),
    # path its percent-decoding, which never holds a lone surrogate.
    path_bytes = raw_path.encode("utf-8", "surrogatepass")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": unquote(path_bytes.decode("latin-1")), "raw_path": path_bytes,
        "query_string": query_string.encode("latin-1", "replace"), "root_path": "",
        "headers": [(b"host", b"localhost")], "client": ("127.0.0.1", 1), "server": ("localhost", 80),
    }
    status, _, body = await asgi_send(app, scope)
    return status, body[:300]


@pytest.fixture
def fuzz_ds(db_path, metadata):
    return Datasette(
        immutables=[str(db_path)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
        template_dir=str(ROOT / "templates"),
        settings={"sql_time_limit_ms": 500, "facet_time_limit_ms": 100, "max_csv_mb": 5},
    )


async def test_fuzz_never_500(fuzz_ds, db_path, metadata):
    generator = Generator(SEED, db_path, metadata)
    app = fuzz_ds.app()
    statuses, failures = Counter(), []
    for number in range(REQUESTS):
        method, path, query = generator.request()
        try:
            status, body = await asgi_request(app, method, path, query)
        except Exception as error:  # an exception escaping the app is a failure too
            status, body = f"exception {type(error).__name__}: {error}"[:200], b""
        statuses[status] += 1
        if not (isinstance(status, int) and (200 <= status < 400 or status in ACCEPTED)):
            failures.append(f"#{number} {method} {path}?{query[:300]} -> {status} {body[:200]!r}")
    print(f"fuzz: {REQUESTS} requests, seed {SEED}, statuses {dict(sorted(statuses.items(), key=str))}")
    assert not failures, f"{len(failures)} bad responses:\n" + "\n".join(failures[:40])
    assert sum(v for k, v in statuses.items() if k == 200) > REQUESTS // 10  # it reached real pages
