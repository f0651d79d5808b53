"""Live publishing: a running server serves the newest facts.db (a build or an `append` renames
a new file over it) without a restart, and every response comes from exactly one version.

A version is the file's identity, its os.stat (device, inode, size, mtime_ns): a build renames
a new file into place, so a new version is a new inode. Every request passes Live.admit()
(the outermost ASGI wrapper, article_facts/web/live_gate.py), which stats the file at most
once every CHECK_SECONDS. Checking on the request path, not from a background task: a swap
only matters to requests, a site nobody reads does no work, and no task outlives an event loop
(the tests start one per test); the price is that an idle server keeps the old file open
until its next request. The first request adopts the version it finds the same way. Each
uvicorn worker is a process with its own Live and swaps on its own.

The swap. The new version is prepared while requests go on with the old one: for an immutable
database its hash and table counts come from the inspect file the build wrote beside it
(article_facts/inspect_file.py), or are computed in a thread when there is none. Then new
requests wait, the requests in flight finish, and with none left the Database object is
replaced with Datasette's remove_database() and add_database() (same name and route), its
inspect data with it. Datasette's views look the database up several times a request (rows,
counts, facets), so it must not change during one: it cannot, since requests are admitted only
while no swap runs.

Connections. Datasette 0.65 keeps each SQL thread's connection under the database's name
(simonw/datasette#2465), so the new Database would go on reading the old file through the old
threads' connections, and a thread opening its first connection after a later rename would
read a newer file than its siblings. So each version gets a new executor
(`datasette.executor`, num_sql_threads threads, as Datasette makes it), and its threads open
their connections together (warm-up) while requests still wait; the file is stat'ed again
after, and if it changed meanwhile the swap is redone. Every connection of a version thus
reads one file. The old Database is closed (Database.close()) when its last request ends, and
the old file's space is freed. Results cached across requests (counted facets, the exports'
manifest) are keyed with file_version(db), the file a Database reads: a stat of the path may
already show the next version.

Long requests. A request still running DRAIN_SECONDS after a swap began is superseded: the
swap goes ahead, and the request's response, made partly from the new version, is never
delivered whole: a 503 (retry) if it had not started, a cut connection if it had (a streamed
CSV of a big query). A static export (article_facts/web/static_exports.py) reads a file it
opened, not the database: it stops counting as soon as its response starts.

serve_latest(datasette) swaps at once (the review server calls it after each save); the
request that calls it neither waits for itself nor is superseded.
"""
import asyncio
import contextlib
import contextvars
import os
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from weakref import WeakKeyDictionary

from datasette.database import Database

from .exports import database_sha256
from .inspect_file import describe, describes, read_entry

CHECK_SECONDS = 1.0   # a stat at most this often (a new version is live within ~1 s + drain)
DRAIN_SECONDS = 2.0   # requests in flight get this long to finish before a swap supersedes them
POLL_SECONDS = 0.005  # waits poll: no asyncio lock or event, which would bind to one event loop
WARM_SECONDS = 10     # threads that cannot all meet by then open their connections later
REDO_LIMIT = 5        # the file replaced again during a swap: redone at most this often

current_ticket = contextvars.ContextVar("article_facts_live_ticket", default=None)
LIVES = WeakKeyDictionary()
FILE_VERSIONS = WeakKeyDictionary()  # Database -> identity of the file its connections read


async def serve_latest(datasette) -> bool:
    """Swap in the newest version of the served facts database now if the file changed; True
    when it swapped. The caller's own request (if any) is not waited for."""
    async with publishing(datasette):
        return await live_for(datasette).refresh()


@contextlib.asynccontextmanager
async def publishing(datasette):
    """For the request that writes a new version and then shows it (a review save): while the
    block runs it reads nothing from the database, so a swap (its own, or another save's)
    neither waits for it nor supersedes it; after the block it reads the newest version.
    Blocks nest (serve_latest runs one inside a save's)."""
    live = live_for(datasette)
    ticket = current_ticket.get()
    was_waiting = ticket is not None and ticket.waiting
    if ticket is not None:
        ticket.waiting = True
    try:
        yield
    finally:
        if ticket is not None:
            ticket.waiting = was_waiting
            ticket.expired = False  # it read nothing of the version it was admitted on
            ticket.generation = live.generation  # from here it reads the new version
            live.close_retired()


def live_for(datasette):
    """The one Live of this Datasette."""
    if datasette not in LIVES:
        LIVES[datasette] = Live(datasette)
    return LIVES[datasette]


def file_version(db):
    """The identity of the file this Database's connections read, when live publishing swapped
    it in (every served one, from the first request on), else None. A cache of query results
    keys on this, not on a stat of the path: the path may already hold the next version while
    requests still read this one."""
    return FILE_VERSIONS.get(db)


def identity(path):
    """The file's version: (device, inode, size, mtime_ns), None when it is missing."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


class Superseded(Exception):
    """A response begun from one version that can no longer be finished from it."""


class Ticket:
    """One request in flight: the version (generation) it reads."""
    __slots__ = ("generation", "waiting", "expired")

    def __init__(self, generation):
        self.generation, self.waiting, self.expired = generation, False, False


class Version:
    """A prepared version of one database: its file identity and, when immutable, its inspect
    entry (hash and counts)."""

    def __init__(self, name, identity, inspect):
        self.name, self.identity, self.inspect = name, identity, inspect


class Live:
    def __init__(self, datasette):
        self.datasette_ref = weakref.ref(datasette)  # LIVES's value must not keep its key alive
        self.files = {name: db.path for name, db in datasette.databases.items()
                      if db.path and not db.is_memory}
        self.served = {}        # name -> identity of the file its Database reads
        self.generation = 0
        self.tickets = set()    # requests counted in flight
        self.retired = []       # (generation, Database) to close once no request reads them
        self.checked_at = None
        self.swapping = False   # new requests wait
        self.refreshing = False

    @property
    def datasette(self):
        return self.datasette_ref()

    # --- requests ---

    async def admit(self):
        """A ticket for a new request, once no swap is running; checks the file when due."""
        now = time.monotonic()
        if self.checked_at is None or now - self.checked_at >= CHECK_SECONDS:
            self.checked_at = now
            if not self.refreshing and self.changes():
                await self.refresh()
        while self.swapping:
            await asyncio.sleep(POLL_SECONDS)
        ticket = Ticket(self.generation)
        self.tickets.add(ticket)
        return ticket

    def release(self, ticket):
        """The request no longer reads the database (finished, or streaming a file)."""
        if ticket in self.tickets:
            self.tickets.discard(ticket)
            if self.retired:
                self.close_retired()

    def close_retired(self):
        reading = {t.generation for t in self.tickets if not t.waiting}
        keep = []
        for generation, db in self.retired:
            if any(g <= generation for g in reading):
                keep.append((generation, db))
            else:
                db.close()
        self.retired = keep

    # --- versions ---

    def changes(self):
        """{name: identity} of the files that are not the version served."""
        found = {}
        for name, path in self.files.items():
            now = identity(path)
            if now is not None and now != self.served.get(name):
                found[name] = now
        return found

    async def refresh(self):
        """Swap in every file that changed; True when one was swapped."""
        while self.refreshing:
            await asyncio.sleep(POLL_SECONDS)
        self.refreshing = True
        try:
            changed = self.changes()
            if not changed:
                return False
            prepared = [await self.prepare(name, found) for name, found in changed.items()]
            self.swapping = True
            try:
                await self.drain()
                for _ in range(REDO_LIMIT):
                    databases = self.install(prepared)
                    await self.warm(databases)
                    changed = self.changes()
                    if not changed:
                        break
                    prepared = [await self.prepare(name, found) for name, found in changed.items()]
            finally:
                self.swapping = False
            return True
        finally:
            self.refreshing = False

    async def prepare(self, name, found):
        """The Version of the file now at name's path (identity found)."""
        db = self.datasette.databases[name]
        if db.is_mutable:
            return Version(name, found, None)
        for _ in range(REDO_LIMIT):
            entry = await asyncio.to_thread(self.inspect_entry, name, db.path, found)
            if entry is not None:
                return Version(name, found, entry)
            found = identity(db.path)  # replaced while it was hashed: the newer one
        raise RuntimeError(f"{db.path}: replaced faster than it can be hashed")

    def inspect_entry(self, name, path, found):
        """Hash and counts of the file whose identity is found: from its inspect file, or from
        the inspect data the server started with when that describes it (serve.py adds the
        identity it checked), else computed here (slow for a large file). None when the file
        changed while it was computed."""
        stat = os.stat(path)
        if (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns) != found:
            return None
        entry = read_entry(path, name, stat)
        started_with = (self.datasette.inspect_data or {}).get(name)
        if entry is None and isinstance(started_with, dict) and "inode" in started_with \
                and describes(started_with, stat):
            entry = started_with
        if entry is None:
            entry = describe(path, database_sha256(path), path)
            if identity(path) != found:
                return None
        return entry

    async def drain(self):
        """Wait for the requests in flight (not those waiting in serve_latest) to finish, at
        most DRAIN_SECONDS; those still running are superseded."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while any(not t.waiting and not t.expired for t in self.tickets):
            if time.monotonic() >= deadline:
                for ticket in self.tickets:
                    if not ticket.waiting:
                        ticket.expired = True
                break
            await asyncio.sleep(POLL_SECONDS)

    def install(self, prepared):
        """Replace each prepared database's Database object, and the SQL threads."""
        ds = self.datasette
        databases = []
        for version in prepared:
            old = ds.databases[version.name]
            new = Database(ds, path=old.path, is_mutable=old.is_mutable)
            if version.inspect is not None:
                ds.inspect_data = dict(ds.inspect_data or {}, **{version.name: version.inspect})
            ds.remove_database(version.name)
            ds.add_database(new, name=version.name, route=old.route)
            self.retired.append((self.generation, old))
            self.served[version.name] = version.identity
            FILE_VERSIONS[new] = version.identity
            databases.append(new)
        self.generation += 1
        if ds.executor is not None:
            old_executor = ds.executor
            ds.executor = ThreadPoolExecutor(max_workers=ds.setting("num_sql_threads"))
            old_executor.shutdown(wait=False)  # its idle threads end, dropping their connections
        self.close_retired()
        return databases

    async def warm(self, databases):
        """Each SQL thread opens its connection to each new Database now (they all meet at a
        barrier, so each of the fresh executor's threads runs one of them)."""
        threads = self.datasette.setting("num_sql_threads") if self.datasette.executor else 0
        for db in databases:
            if not threads:
                await db.execute("select 1")
                continue
            barrier = threading.Barrier(threads, timeout=WARM_SECONDS)

            def meet(conn):
                try:
                    barrier.wait()
                except threading.BrokenBarrierError:
                    pass

            await asyncio.gather(*(db.execute_fn(meet) for _ in range(threads)))
