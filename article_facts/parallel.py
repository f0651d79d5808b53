"""Parse article folders on every core while the caller writes them in order.

Parsing and validating facts.yml is most of a build's time, and each article is parsed on
its own; merging shared entities and writing rows stay in the one process, in sorted folder
order, so the database is byte-identical to a one-process build and the first bad folder in
that order is the one reported. At most WINDOW batches are in flight, so memory stays flat
however many articles there are.
"""
import collections
import multiprocessing
import os
import signal
import threading
import time

from .article import parse_article
from .safe_files import LOCKED_FILES

MIN_FOLDERS = 200  # below this, starting processes costs more than it saves
BATCH = 16  # folders per task: fewer round trips between processes
WINDOW = 8  # batches in flight per worker
# Blocked while the workers are forked, until start_worker has set their handlers: a worker
# stopped before that would otherwise run the build's own handler (safe_files'
# terminate_like_interrupt raises KeyboardInterrupt) inside multiprocessing's start-up code.
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def parse_batch(folders, parse=parse_article):
    return [parse(folder) for folder in folders]


def watch_parent(parent):
    """A worker exits when its build does, even a SIGKILLed one (nothing else would wake it)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def start_worker(parent):
    """The build handles Ctrl-C and SIGTERM and stops the workers itself. A worker is a fork
    of the build: it lets go of the build's locked temporary database at once, so a killed
    build's file is never kept locked by a worker (safe_files.is_stale)."""
    for fd in list(LOCKED_FILES):
        os.close(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked since the fork
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()


def workers():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def parsed_articles(folders, parse=parse_article):
    """parse(folder) for each folder, in order (parse: parse_article, or a module-level
    function around it, such as the archive index's)."""
    count = workers()
    if count < 2 or len(folders) < MIN_FOLDERS:
        yield from map(parse, folders)
        return
    context = multiprocessing.get_context("fork")  # spawn would re-run the caller's __main__
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        pool = context.Pool(count, initializer=start_worker, initargs=(os.getpid(),))
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        raise
    try:
        # a stop signal that came while the pool forked is raised here, where stop() follows
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        pending = collections.deque()
        for start in range(0, len(folders), BATCH):  # batches made as they are sent: memory stays flat
            pending.append(pool.apply_async(parse_batch, (folders[start:start + BATCH], parse)))
            if len(pending) >= WINDOW * count:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
    except Exception:
        # a bad folder: the batches already sent (at most WINDOW a worker) end on their own
        stop(pool, wait=True)
        raise
    except BaseException:
        stop(pool, wait=False)  # Ctrl-C, SIGTERM, a generator closed early: at once
        raise
    stop(pool, wait=True)


def stop(pool, wait):
    """Workers end by the pool's own sentinel when wait is true (no signal sent to a worker
    that may still be starting); pool.terminate() otherwise."""
    if wait:
        pool.close()
    else:
        pool.terminate()
    pool.join()
