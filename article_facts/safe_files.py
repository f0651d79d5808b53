"""Touching the file system safely: seeds are read only from regular files inside the seeds
folder (never through a symbolic link, never from a pipe or a device, never more than
MAX_FILE_BYTES), and the database is written to a temporary file that a crash cannot leave
behind for long: every build first removes the temporary files of builds that died.
"""
import contextlib
import errno
import fcntl
import os
import re
import secrets
import signal
import stat
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from .errors import BuildError

# article.txt and facts.yml are each at most this big. A long news article is ~100 KB; the cap
# keeps a mistaken file (a video, /dev/zero) from exhausting memory. The server must accept an
# articles.body of this many bytes (SQLite's length limit, response size).
MAX_FILE_BYTES = 2 * 1024 * 1024

KINDS = [
    (stat.S_ISDIR, "is a folder, not a file"),
    (stat.S_ISLNK, "is a symbolic link (seeds must be real files inside the seeds folder)"),
    (stat.S_ISFIFO, "is a named pipe, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
    (stat.S_ISCHR, "is a device, not a regular file"),
    (stat.S_ISBLK, "is a device, not a regular file"),
]


def kind_problem(mode):
    """Why a file of this st_mode cannot be read as a seed, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((problem for test, problem in KINDS if test(mode)), "is not a regular file")


def read_seed_file(path, limit=MAX_FILE_BYTES):
    """The bytes of a regular file, refusing links, pipes, devices and files over limit.

    The kind is checked with lstat before opening (opening a pipe would block, a device could
    be endless), and again with fstat on the descriptor opened with O_NOFOLLOW|O_NONBLOCK, so a
    file swapped in between cannot slip through.
    """
    path = Path(path)
    try:
        before = os.lstat(path)
    except FileNotFoundError:
        raise BuildError("missing_file", "missing", file=path)
    except OSError as e:
        raise BuildError("unreadable", f"cannot read: {e.strerror}", file=path)
    problem = kind_problem(before.st_mode)
    if problem:
        raise BuildError("unreadable", f"cannot read: {problem}", file=path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        reason = "is a symbolic link" if e.errno == errno.ELOOP else e.strerror
        raise BuildError("unreadable", f"cannot read: {reason}", file=path)
    try:
        return read_open_file(path, fd, before, limit)
    except OSError as e:  # EIO and the like, after opening
        raise BuildError("unreadable", f"cannot read: {e.strerror or e}", file=path)


def read_open_file(path, fd, before, limit):
    with os.fdopen(fd, "rb") as handle:
        after = os.fstat(handle.fileno())
        if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
            raise BuildError("unreadable", "cannot read: the file changed while it was being opened", file=path)
        problem = kind_problem(after.st_mode)
        if problem:
            raise BuildError("unreadable", f"cannot read: {problem}", file=path)
        if after.st_size > limit:
            raise BuildError("too_large", f"too large: {after.st_size} bytes, the limit is {limit} bytes", file=path)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise BuildError("too_large", f"too large: over {limit} bytes", file=path)
    return data


def real_folders(seeds_dir):
    """The article folders of seeds_dir, sorted; hidden entries and plain files are skipped,
    and a symbolic link is an error (it could point anywhere on the machine)."""
    seeds_dir = Path(seeds_dir)
    names, links = [], []
    try:
        with os.scandir(seeds_dir) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_symlink():
                    links.append(entry.name)
                elif entry.is_dir(follow_symlinks=False):
                    names.append(entry.name)
    except OSError as e:
        raise BuildError("unreadable", f"cannot read the seeds folder: {e.strerror or e}", file=seeds_dir)
    if links:
        raise BuildError(
            "symbolic_link", "is a symbolic link; article folders must be real folders inside the seeds folder",
            file=seeds_dir / min(links))
    return FolderList(seeds_dir, sorted(names))


class FolderList(Sequence):
    """Article folders in sorted order, kept as names: a Path object for each of 100,000
    articles would hold some 40 MiB through the whole build. Each is made a Path when read."""

    def __init__(self, seeds_dir, names):
        self.seeds_dir, self.names = Path(seeds_dir), names

    def __len__(self):
        return len(self.names)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.seeds_dir / name for name in self.names[index]]
        return self.seeds_dir / self.names[index]


# ---- the temporary database: .{name}.{pid}-{random}.tmp, locked while its build runs ----

def temp_pattern(db_path):
    """Names of this database's temporary files (and SQLite's journal beside each)."""
    return re.compile(re.escape(f".{Path(db_path).name}.") + r"(\d+)-[0-9a-f]+\.tmp(-journal)?\Z")


def temp_name(target):
    """A new temporary file's path beside target, named for temp_pattern: hidden, this
    process's id (a later run removes it once the process is gone) and a random part."""
    target = Path(target)
    return target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def is_stale(path, pid, grace_seconds=10):
    """A temporary database is stale when its build is gone: nobody holds its lock. A file of
    a live process younger than grace_seconds is spared (its build may not have locked it
    yet); this process's own files are never touched (closing a descriptor would drop
    SQLite's locks on them)."""
    if pid == os.getpid():
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return True  # a journal whose database is gone
    except OSError:
        return False
    try:
        if pid_alive(pid) and time.time() - os.fstat(fd).st_mtime < grace_seconds:
            return False
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def remove_stale_temp_files(db_path):
    """Remove the temporary files left by builds of db_path that were killed; returns their
    names. A running build's files are left alone."""
    folder = Path(db_path).parent
    pattern = temp_pattern(db_path)
    removed = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return removed  # the build reports an unusable folder when it writes
    for entry in entries:
        match = pattern.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        database = folder / entry.name.removesuffix("-journal")
        if is_stale(database, int(match.group(1))):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / entry.name)
                removed.append(entry.name)
    return removed


# Descriptors this process holds locks on (the folder's writer lock, the temporary database): a
# forked worker closes them (article_facts.parallel), or its copy would hold a lock after the
# build is killed.
LOCKED_FILES = set()


@contextlib.contextmanager
def one_writer(db_path):
    """Hold the lock that lets one build or append at a time write into db_path's folder (a
    flock on the folder itself, so no lock file is left behind). Two at once would each copy
    or write the database and rename theirs over the other's: one article would be lost."""
    folder = Path(db_path).parent
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    LOCKED_FILES.add(fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError("busy", f"another build or append is writing to {folder}; run them one at a time", file=db_path)
        yield
    finally:
        LOCKED_FILES.discard(fd)
        os.close(fd)


INTERRUPTS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


@contextlib.contextmanager
def temporary_database(db_path):
    """Yield a new empty temporary file beside db_path, locked for this process; on success
    fsync it and rename it over db_path, on any failure (exceptions, Ctrl-C, SIGTERM) remove
    it and its journal. Stale files of killed builds are removed first."""
    db_path = Path(db_path)
    remove_stale_temp_files(db_path)
    tmp_path = temp_name(db_path)
    # An interrupt between creating the file and entering `try` would leave it behind: the
    # signals wait (blocked) until the file is ours to remove, then arrive inside `try`.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    try:
        fd = os.open(tmp_path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        raise
    LOCKED_FILES.add(fd)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield tmp_path
        FINISHING.set()  # from here an interrupt waits: the message must stay true
        os.fsync(fd)
        os.replace(tmp_path, db_path)
        with contextlib.suppress(OSError):
            dir_fd = os.open(db_path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    finally:
        for leftover in (tmp_path, Path(f"{tmp_path}-journal")):
            leftover.unlink(missing_ok=True)
        LOCKED_FILES.discard(fd)
        os.close(fd)


# Set once the new database is complete and being renamed into place: an interrupt then
# lets the build finish (a few milliseconds) instead of reporting a database left alone.
FINISHING = threading.Event()


def raise_keyboard_interrupt(signum, frame):
    if not FINISHING.is_set():
        raise KeyboardInterrupt("" if signum == signal.SIGINT else signal.Signals(signum).name)


@contextlib.contextmanager
def terminate_like_interrupt(signals=tuple(sorted(INTERRUPTS))):
    """While the block runs, SIGTERM and SIGHUP raise KeyboardInterrupt as Ctrl-C does, so the
    temporary database is removed on the way out. Only the main thread can set handlers."""
    FINISHING.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, raise_keyboard_interrupt) for signum in signals
                if signal.getsignal(signum) is not signal.SIG_IGN}  # nohup stays nohup
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        FINISHING.clear()
