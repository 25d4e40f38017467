"""Benchmark: what the addon, installed and not configured, costs Odoo's own tests.

    python3 bench/odoo_overhead.py

Makes a database with account, purchase and account_debit_note (no demo data), copies it
(``createdb -T``) and installs the addon on the copy, then runs the same selection of Odoo's own
test classes (``clerkdev.ODOO_OWN_TESTS``, as ``./clerk test`` does) on both. Prints the tests
run, the failures on each database and the ratios of SQL queries (as Odoo's test statistics count
them) and of time. Targets: failed_with=0, query_ratio below 1.05. Both databases are dropped.
"""

import shutil
import tempfile
import uuid
from pathlib import Path

import common  # first: makes .clerk/venv ready and runs the benchmark again in it

clerkdev = common.clerkdev


def main():
    with clerkdev.postgres() as pg:
        workdir = Path(tempfile.mkdtemp(prefix="clerk_bench_overhead_", dir=clerkdev._state_dir()))
        suffix = uuid.uuid4().hex[:8]
        without, with_addon = f"clerk_bench_plain_{suffix}", f"clerk_bench_addon_{suffix}"
        config = clerkdev.write_config(workdir / "odoo.conf", pg, without, workdir / "data")
        try:
            clerkdev.install_db(config, without, modules=clerkdev.ODOO_OWN_MODULES)
            clerkdev.copy_db(pg, without, with_addon)
            clerkdev.install_db(config, with_addon)
            results = {}
            for name, db in (("without", without), ("with", with_addon)):
                clerkdev.log(f"Odoo's own test classes on {db} ({name} the addon)")
                results[name] = clerkdev.run_odoo_tests(config, db, log_path=workdir / f"{name}.log")
                clerkdev.log(f"  {results[name]['tests']} tests, {results[name]['failed']} failed or in error, "
                             f"{results[name]['queries']} queries, {results[name]['seconds']:.0f} s")
        finally:
            for db in (without, with_addon):
                clerkdev.drop_db(pg, db)
            shutil.rmtree(workdir, ignore_errors=True)
    plain, addon = results["without"], results["with"]
    common.bench("odoo_overhead", tests=addon["tests"], failed_without=plain["failed"], failed_with=addon["failed"],
                 query_ratio=(addon["queries"] / max(plain["queries"], 1), 3),
                 time_ratio=(addon["seconds"] / max(plain["seconds"], 1), 3))


if __name__ == "__main__":
    main()
