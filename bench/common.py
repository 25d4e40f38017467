"""What the benchmarks under ``bench/`` share: the environment, a scratch database, seeding and measuring.

Import it first, before anything imports Odoo: like ``./clerk``, importing it makes ``.clerk/venv``
ready and re-executes the benchmark in it (``clerkenv.ensure``), so ``python3 bench/<name>.py`` from
the project root needs nothing installed::

    import common  # makes .clerk/venv ready and runs the benchmark again in it

    with common.database("clerk_bench_x") as registry, common.environment(registry, common.QUIET) as env:
        seed(env)
        with common.measure(env, cold=True) as m:
            ...
        common.bench("x", moves=5000, seconds=(m.seconds, 3), queries=m.queries)
"""

import contextlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "dev"))
import clerkenv  # noqa: E402

clerkenv.ensure("bench")

import clerkdev  # noqa: E402

log = clerkdev.log
PeakMemory = clerkdev.PeakMemory

# Seeding context: no tracking, no creation message, no follower added.
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True, "mail_create_nosubscribe": True}


@contextlib.contextmanager
def database(prefix, **scratch):
    """A scratch database with the addon installed and its registry loaded; yields the registry.

    Odoo's configuration is the scratch database's (``registry.bench`` is the dict of
    ``clerkdev.scratch_database``: ``db``, ``config``, ``workdir``, ``pg``). The registry is
    released and the database dropped at the end, also on failure.
    """
    with clerkdev.scratch_database(prefix, **scratch) as ctx:
        from odoo.modules.registry import Registry
        from odoo.tools import config

        config.parse_config(["-c", ctx["config"], "--log-level=warn"])
        registry = Registry(ctx["db"])
        registry.bench = ctx
        try:
            yield registry
        finally:
            Registry.delete(ctx["db"])


@contextlib.contextmanager
def environment(registry, context=None):
    """A superuser environment on a new cursor of ``registry`` (committed at the end unless rolled back)."""
    import odoo

    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(context or {}))


class measure:  # noqa: N801 - used as a function: ``with measure(env) as m``
    """Wall time (``seconds``), SQL queries (``queries``) and this process's CPU time (``cpu_seconds``) of the block.

    The CPU time shows what the block costs in Python when the machine is busy (wall time then grows
    with the load; the database's own time is in neither).

    ``cold``: the ORM cache is emptied first (and with ``clear_caches`` the registry's caches too);
    ``flush``: what the block left to write is flushed before the clock stops.
    """

    def __init__(self, env, cold=False, clear_caches=False, flush=False):
        self.env, self.cold, self.clear_caches, self.flush = env, cold, clear_caches, flush
        self.seconds = self.queries = self.cpu_seconds = None

    def __enter__(self):
        if self.clear_caches:
            self.env.registry.clear_cache()
        if self.cold:
            self.env.invalidate_all()
        self._queries = self.env.cr.sql_log_count
        self._start = time.perf_counter()
        self._cpu = time.process_time()
        return self

    def __exit__(self, *exc):
        if self.flush and exc[0] is None:
            self.env.flush_all()
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu
        self.queries = self.env.cr.sql_log_count - self._queries


def bench(name, **figures):
    """Print the ``BENCH <name> key=value ...`` line; a ``(value, digits)`` pair is rounded to ``digits``."""
    parts = []
    for key, value in figures.items():
        if isinstance(value, tuple):
            value = f"{value[0]:.{value[1]}f}"
        parts.append(f"{key}={value}")
    print(f"BENCH {name} {' '.join(parts)}", flush=True)


# ---------------------------------------------------------------------------------------------- seeding
def columns(cr, table, skip=()):
    """The columns of ``table`` but ``id`` and ``skip``."""
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
               [table])
    return [name for (name,) in cr.fetchall() if name != "id" and name not in skip]


def clone_moves(env, template, plan, params=None, moves=None, lines=None):
    """Copies of ``template`` (a move made through the ORM) and its lines in SQL, one per row of ``plan``.

    ``plan`` is a query whose rows describe the copies (at least a column ``n``, unique); it
    becomes the temporary table ``bench_clone`` with, first, the ``id`` of each copy (taken from
    ``account_move_id_seq``). ``moves`` and ``lines`` map the columns each copy sets itself to an
    SQL expression over ``p`` (its row of ``bench_clone``) and ``m`` (the template move) or ``l``
    (the template's line); every other column is copied from the template, so a copy of a posted
    move is posted and balanced like it. ``move_id`` of the lines is set. Returns the ids of the
    copies, in the order of ``n``. Nothing goes through the ORM: call ``env.invalidate_all()``
    after, and check a sample through the ORM.
    """
    env.flush_all()
    cr = env.cr
    moves, lines = dict(moves or {}), {**(lines or {}), "move_id": "p.id"}
    cr.execute("DROP TABLE IF EXISTS bench_clone")
    cr.execute(f"CREATE TEMP TABLE bench_clone AS SELECT nextval('account_move_id_seq') AS id, q.* FROM ({plan}) q",
               params)
    move_cols = columns(cr, "account_move", moves)
    cr.execute(f"""
        INSERT INTO account_move (id, {", ".join([*moves, *move_cols])})
        SELECT p.id, {", ".join([*moves.values(), *("m." + c for c in move_cols)])}
          FROM bench_clone p, account_move m WHERE m.id = %s
    """, [template.id])
    line_cols = columns(cr, "account_move_line", lines)
    cr.execute(f"""
        INSERT INTO account_move_line ({", ".join([*lines, *line_cols])})
        SELECT {", ".join([*lines.values(), *("l." + c for c in line_cols)])}
          FROM bench_clone p, account_move_line l WHERE l.move_id = %s
    """, [template.id])
    cr.execute("SELECT id FROM bench_clone ORDER BY n")
    return [row[0] for row in cr.fetchall()]
