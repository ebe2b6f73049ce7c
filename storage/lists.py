"""Many values in one PostgreSQL parameter, so statements stay short and cacheable: a column
matching any of them, and rows given as one array per column."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlalchemy.types import TypeEngine


def one_of(
    session: AsyncSession, column: InstrumentedAttribute[Any], values: Iterable[Any]
) -> ColumnElement[bool]:
    """`column IN (...)`, but on PostgreSQL `column = ANY(array)`: one parameter instead of
    one per value, so the driver converts the statement once and caches it, where a batch of
    hundreds of placeholders would be parsed again on every claim."""
    values = list(values)
    if session.bind.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def array_rows(*columns: tuple[str, TypeEngine[Any] | type[TypeEngine[Any]], list[Any]]) -> TableValuedAlias:
    """PostgreSQL rows from one array per column (`unnest`): a parameter per column, not per
    value, where a multi-row VALUES of thousands of placeholders is parsed again by the driver
    each time (a long statement is not cached)."""
    arrays = [bindparam(None, values, type_=ARRAY(kind)) for _, kind, values in columns]
    return func.unnest(*arrays).table_valued(*(name for name, _, _ in columns)).render_derived()
