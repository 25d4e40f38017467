"""The one way batch jobs claim their work (not a model).

Select the work with a domain that excludes what is done, claim a batch with
:func:`claim`, process it, record what was done, then
``env["ir.cron"]._commit_progress(len(batch))`` (which ends the transaction
and so the claim); stop when it answers that no time is left.
"""

from odoo.tools import SQL


def claim(model, domain, limit=None, order="id"):
    """Records of ``model`` matching ``domain`` locked for this transaction, at most ``limit`` in ``order``.

    Rows another transaction holds are skipped (``FOR UPDATE SKIP LOCKED``):
    two workers never take the same record, and neither waits for the other.
    This is Odoo's ``try_lock_for_update`` for the records of a domain (it
    locks given ids). Claiming is the job's business: record rules do not apply.
    """
    query = model._search(domain, order=order, limit=limit, bypass_access=True)
    rows = model.env.execute_query(SQL("%s FOR UPDATE OF %s SKIP LOCKED", query.select(),
                                       SQL.identifier(model._table)))
    return model.browse(row[0] for row in rows)


def batch_size(env, param, default):
    """The batch size of a job: the system parameter ``param`` when set (at least 1), else ``default``."""
    value = env["ir.config_parameter"].sudo().get_param(param)
    return max(int(value), 1) if value else default
