#!/usr/bin/env python3
"""Benchmark of supporting documents (issue 6).

    python3 bench/documents.py

Creates its own database with the addon installed (dropped at the end, also on
failure), then seeds 10,000 posted vendor bills with 3 categorised documents each
(30,000 attachments) and two document rules requiring 4 categories, and 2,000 of
the bills (but every 50th) with a stored invoice PDF:

1. completeness of all 10,000 bills in one batch, cold (rule cache cleared, ORM
   cache emptied): time and SQL queries, also for 1,000 bills to show that the
   queries do not grow with the number of bills;
2. the audit pack of 2,000 bills, built as the cron builds it (``_build``): time,
   peak memory of the process over its size before, size of the ZIP.

Bills and attachment rows are copied in SQL from ORM-made templates (seeding
10,000 bills through the ORM would take most of the run); the files behind the
attachments are real files of the filestore, a pool of distinct random contents
written through the ORM, so that the ZIP holds realistic, incompressible data.

Last line: ``BENCH documents completeness_seconds=… completeness_queries=… pack_seconds=… pack_peak_mb=… pack_mb=…``.
"""

import os
import random
import time

import common  # first: makes .clerk/venv ready and runs the benchmark again in it

BILLS = 10000
DOCS_PER_BILL = 3
PACKED = 2000
PARTNERS = 200
DOC_POOL = 400  # distinct document files
PDF_POOL = 100  # distinct invoice PDF files
DOC_SIZE = 16 * 1024
PDF_SIZE = 32 * 1024


def seed(env):
    from odoo import Command

    company = env.company
    cr = env.cr
    rng = random.Random(6)
    tag = env["res.partner.category"].create({"name": "Under contract"})
    partners = env["res.partner"].create([{"name": f"Bench Vendor {i:04d}",
                                           "category_id": [Command.set(tag.ids)] if i % 4 == 0 else []}
                                          for i in range(PARTNERS)])
    ref = env.ref
    categories = [ref(f"invoicing_clerk_tools.document_category_{code}") for code in (
        "purchase_order", "delivery_note", "vendor_invoice", "contract")]
    env["clerk.document.rule"].create([
        {"name": "Bills: PO, delivery note, original", "company_id": company.id, "apply_in_invoice": True,
         "category_ids": [Command.set([c.id for c in categories[:3]])], "mode": "block"},
        {"name": "Vendors under contract, from 500: contract", "company_id": company.id, "apply_in_invoice": True,
         "amount_min": 500.0, "partner_category_ids": [Command.set(tag.ids)],
         "category_ids": [Command.set([categories[3].id])], "mode": "warn"},
    ])
    template = env["account.move"].create({
        "move_type": "in_invoice", "partner_id": partners[0].id, "invoice_date": "2026-01-15",
        "invoice_payment_term_id": False,
        "invoice_line_ids": [Command.create({"name": "Bench line", "quantity": 1, "price_unit": 800.0,
                                             "tax_ids": [Command.clear()]})],
    })
    for category in categories[:3]:
        env["ir.attachment"].create({"name": "t.pdf", "raw": b"%PDF-1.4 template", "res_model": "account.move",
                                     "res_id": template.id, "clerk_category_id": category.id})
    template.action_post()

    # Bills: copies of the posted template, each with its partner and number.
    name = "'BENCH/' || lpad(p.n::text, 6, '0')"
    common.clone_moves(
        env, template,
        "SELECT g AS n, (%s::int[])[1 + g %% %s] AS partner_id FROM generate_series(1, %s) g",
        [partners.ids, len(partners), BILLS],
        moves={"name": name, "partner_id": "p.partner_id", "commercial_partner_id": "p.partner_id",
               "sequence_number": "p.n + 1", "payment_reference": "NULL", "ref": "'REF' || p.n"},
        lines={"move_name": name, "partner_id": "p.partner_id"})
    cr.execute("CREATE TEMP TABLE bench_map AS SELECT p.id, p.n, m.name FROM bench_clone p "
               "JOIN account_move m ON m.id = p.id")

    # Files: distinct random contents written through the ORM (filestore), then referenced by rows.
    Attachment = env["ir.attachment"]
    doc_files = Attachment.create([{
        "name": f"pool_{i}.pdf", "raw": b"%PDF-1.4\n" + rng.randbytes(DOC_SIZE), "res_model": "res.company",
        "res_id": company.id} for i in range(DOC_POOL)])
    pdf_files = Attachment.create([{
        "name": f"pdf_pool_{i}.pdf", "raw": b"%PDF-1.4\n" + rng.randbytes(PDF_SIZE), "res_model": "res.company",
        "res_id": company.id} for i in range(PDF_POOL)])
    env.flush_all()
    cr.execute("CREATE TEMP TABLE bench_docs (n int, store_fname varchar, checksum varchar, file_size int)")
    cr.execute("INSERT INTO bench_docs SELECT row_number() OVER (ORDER BY id) - 1, store_fname, checksum, file_size "
               "FROM ir_attachment WHERE id IN %s", [tuple(doc_files.ids)])
    cr.execute("CREATE TEMP TABLE bench_pdfs (n int, store_fname varchar, checksum varchar, file_size int)")
    cr.execute("INSERT INTO bench_pdfs SELECT row_number() OVER (ORDER BY id) - 1, store_fname, checksum, file_size "
               "FROM ir_attachment WHERE id IN %s", [tuple(pdf_files.ids)])
    uid = env.uid
    for index, category in enumerate(categories[:DOCS_PER_BILL]):
        cr.execute("""
            INSERT INTO ir_attachment (name, res_model, res_id, type, store_fname, checksum, file_size, mimetype,
                                       company_id, clerk_category_id, clerk_version, clerk_retained, public,
                                       create_uid, create_date, write_uid, write_date)
            SELECT 'doc_' || %(index)s || '_' || bm.n || '.pdf', 'account.move', bm.id, 'binary', d.store_fname,
                   d.checksum, d.file_size, 'application/pdf', %(company)s, %(category)s, 1, true, false,
                   %(uid)s, now(), %(uid)s, now()
              FROM bench_map bm JOIN bench_docs d ON d.n = (bm.n * 3 + %(index)s) %% %(pool)s
             -- every 10th bill misses its vendor invoice original: completeness below 100 %%
             WHERE NOT (%(index)s = 2 AND bm.n %% 10 = 0)
        """, {"index": index, "company": company.id, "category": category.id, "uid": uid, "pool": DOC_POOL})
    cr.execute("""
        INSERT INTO ir_attachment (name, res_model, res_id, res_field, type, store_fname, checksum, file_size,
                                   mimetype, company_id, clerk_version, clerk_retained, public,
                                   create_uid, create_date, write_uid, write_date)
        SELECT replace(bm.name, '/', '_') || '.pdf', 'account.move', bm.id, 'invoice_pdf_report_file', 'binary',
               p.store_fname, p.checksum, p.file_size, 'application/pdf', %(company)s, 1, true, false,
               %(uid)s, now(), %(uid)s, now()
          FROM bench_map bm JOIN bench_pdfs p ON p.n = bm.n %% %(pool)s
         WHERE bm.n <= %(packed)s AND bm.n %% 50 <> 0  -- every 50th has no stored PDF: listed as missing
    """, {"company": company.id, "uid": uid, "pool": PDF_POOL, "packed": PACKED})
    env.invalidate_all()
    cr.execute("SELECT id FROM bench_map ORDER BY n")
    moves = env["account.move"].browse([row[0] for row in cr.fetchall()])
    sample = moves[::1999]
    assert set(sample.mapped("state")) == {"posted"}
    assert all(len(move.clerk_document_ids.filtered("clerk_category_id")) in (2, 3) for move in sample)
    return moves


def measure_completeness(env, moves):
    with common.measure(env, cold=True, clear_caches=True) as completeness:
        result = moves._clerk_document_status()
    return completeness.seconds, completeness.queries, result


def main():
    figures = {}
    with common.database("clerk_bench_documents") as registry:
        with common.environment(registry, common.QUIET) as env:
            started = time.perf_counter()
            moves = seed(env)
            env.cr.commit()
            common.log(f"seeded {len(moves)} posted bills, {len(moves) * DOCS_PER_BILL} documents, "
                       f"stored invoice PDFs for {PACKED - PACKED // 50} of the first {PACKED} in "
                       f"{time.perf_counter() - started:.1f}s")

        with common.environment(registry) as env:
            env["ir.config_parameter"].set_param("invoicing_clerk_tools.audit_pack_sync_limit", "0")
            pack = env["clerk.audit.pack"].create({
                "name": "Bench pack", "company_id": env.company.id, "user_id": env.uid,
                "move_ids": [(6, 0, moves.ids[:PACKED])], "move_count": PACKED})
            env.invalidate_all()
            with common.PeakMemory() as memory:
                start = time.perf_counter()
                assert pack._build(), pack.error
                pack_seconds = time.perf_counter() - start
            path = pack._path()
            size_mb = os.path.getsize(path) / 1024 / 1024
            common.log(f"audit pack: {pack.move_count} bills, {pack.document_count} documents, "
                       f"{pack.missing_pdf_count} missing PDFs, {size_mb:.1f} MB in {pack_seconds:.2f}s, "
                       f"peak +{memory.peak_over_start / 1024 / 1024:.1f} MB "
                       f"over {memory.start / 1024 / 1024:.0f} MB")
            figures.update(pack_seconds=pack_seconds, peak_mb=memory.peak_over_start / 1024 / 1024, pack_mb=size_mb)
            os.unlink(path)
            Move = env["account.move"]
            small_seconds, small_queries, _small = measure_completeness(env, Move.browse(moves.ids[:1000]))
            seconds, queries, result = measure_completeness(env, Move.browse(moves.ids))
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats
                env.registry.clear_cache()
                env.invalidate_all()
                profile = cProfile.Profile()
                profile.runcall(Move.browse(moves.ids)._clerk_document_status)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
            complete = len(moves) - sum(1 for status in result.values() if status["missing"])
            clerk_log = (f"completeness: 1,000 bills {small_seconds:.3f}s {small_queries} queries; "
                         f"{len(result)} bills {seconds:.3f}s {queries} queries; {complete} complete")
            common.log(clerk_log)
            assert queries == small_queries, "completeness queries must not grow with the number of bills"
            figures.update(seconds=seconds, queries=queries)

            env.cr.rollback()
    common.bench("documents", completeness_seconds=(figures["seconds"], 3), completeness_queries=figures["queries"],
                 pack_seconds=(figures["pack_seconds"], 2), pack_peak_mb=(figures["peak_mb"], 1),
                 pack_mb=(figures["pack_mb"], 1))


if __name__ == "__main__":
    main()
