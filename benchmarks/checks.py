"""Cross-field checks the peers' schemas share, the same as tmlcfg's TwHIN classes make."""

from __future__ import annotations

from typing import Any


def check_tables(tables: Any, tables_to_log: Any) -> None:
    """Distinct names, logged tables that exist, and one embedding_dim and data_type for all."""
    names = [t.name for t in tables]
    unique = set(names)
    if len(unique) != len(names) or not unique.issuperset(tables_to_log or ()):
        raise ValueError("table names must be distinct, and tables_to_log must name tables")
    first = tables[0]
    for table in tables[1:]:
        if table.embedding_dim != first.embedding_dim or table.data_type != first.data_type:
            raise ValueError("all tables share one embedding_dim and data_type")
