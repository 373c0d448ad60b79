"""Alembic environment: runs on the engine `yuqing.storage.database` hands over, never on an ini file's URL."""

from alembic import context

from yuqing.storage.models import Base, UTCDateTime
from yuqing.storage.search import models_only


def render_item(kind, obj, autogen_context):  # type: ignore[no-untyped-def]
    # Migrations name the plain column type, so they never change when the Python-side type does.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


engine = context.config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite alters a table by copying it and dropping the old one, which enforced foreign keys refuse while
        # other rows reference it: they are off during the migration (SQLite allows that only outside a
        # transaction) and every reference is checked before it commits.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    with connection.begin():
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=sqlite,
            compare_type=True,
            render_item=render_item,
            include_object=models_only,
        )
        context.run_migrations()
        if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
            raise RuntimeError(f"the migration left rows pointing at nothing: {broken[:5]}")
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
