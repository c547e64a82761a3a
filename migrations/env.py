"""Alembic environment: bidtool's tables, the database URL given by bidtool.db.upgrade."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from bidtool.models import SQLModel

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    config = context.config
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        # SQLite cannot alter tables in place; batch mode copies them, as Alembic recommends.
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
