"""A column matching any of many values, written so PostgreSQL statements stay cacheable."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


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
