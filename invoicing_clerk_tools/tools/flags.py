"""Flags that the addon's own code raises for the code it calls (context variables, not the ORM context:
an RPC caller can put anything in its context, nothing in these)."""

from contextlib import contextmanager


@contextmanager
def raised(flag, value=True):
    """``flag`` (a ``contextvars.ContextVar``) holds ``value`` inside the block, and its old value after it."""
    token = flag.set(value)
    try:
        yield
    finally:
        flag.reset(token)
