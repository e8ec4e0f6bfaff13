"""Alembic's entry point: runs the revisions on the connection that
:func:`broadcaster.db.migrations.upgrade` (or ``scripts/new_migration``) hands over."""

from alembic import context

from broadcaster.db.schema import metadata
from broadcaster.db.types import UTCDateTime


def render_item(kind, obj, autogen_context):
    """Autogenerate writes the schema's own column type by its name, imported."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        autogen_context.imports.add("from broadcaster.db.types import UTCDateTime")
        return "UTCDateTime()"
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations through `broadcaster db upgrade`")
context.configure(
    connection=connection, target_metadata=metadata, compare_type=True, render_item=render_item
)
with context.begin_transaction():
    context.run_migrations()
