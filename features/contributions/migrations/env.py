"""Alembic's environment: the connection comes from the store (store.migrate), never from an ini file."""
from __future__ import annotations

from alembic import context

from features.contributions.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
