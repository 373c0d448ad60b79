"""Alembic environment: runs on the engine `yuqing.storage.database` hands over, never on an ini file's URL."""

from alembic import context

from yuqing.storage.models import Base, UTCDateTime


def render_item(kind, obj, autogen_context):  # type: ignore[no-untyped-def]
    # Migrations name the plain column type, so they never change when the Python-side type does.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        render_item=render_item,
    )
    context.run_migrations()
