"""Filters an identity provider sends, turned into indexed lookups (the rest is checked in memory)."""

from __future__ import annotations

from typing import Any

from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path.expressions import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    ValuePath,
)

from bot.adapters.scim.mapping import user_name_key
from bot.adapters.scim.schema import User

SUPPORTED = 'userName, externalId, id or emails.value with eq (e.g. userName eq "anna@example.org")'


def parse(text: str) -> ScimFilter[Any]:
    """The parsed filter; a syntax error is a SCIM 400 invalidFilter."""
    return ScimFilter[User](text)  # type: ignore[no-any-return]


def lookups(parsed: ScimFilter[Any]) -> list[tuple[str, Any]]:
    """Indexed (lookup, value) pairs that every match must have; at least one, or invalidFilter."""
    node = parsed.ast
    terms = node.terms if isinstance(node, LogicalExpr) and node.op == LogicalOperator.and_ else (node,)
    found = [pair for term in terms if (pair := _lookup(term)) is not None]
    if not found:
        raise InvalidFilterException(detail=f"Stafet filters on {SUPPORTED}")
    return found


def _lookup(node: FilterNode) -> tuple[str, Any] | None:
    if isinstance(node, ValuePath) and _named(node.attr_path, "emails"):
        inner = node.val_filter
        terms = (
            inner.terms if isinstance(inner, LogicalExpr) and inner.op == LogicalOperator.and_ else (inner,)
        )
        for term in terms:
            if isinstance(term, Comparison) and _eq(term) and _named(term.attr_path, "value"):
                return "email", str(term.value).strip().lower()
        return None
    if not isinstance(node, Comparison) or not _eq(node) or not isinstance(node.value, str):
        return None
    path = node.attr_path
    if _named(path, "userName"):
        return "user_name", user_name_key(node.value)
    if _named(path, "externalId"):
        return "external_id", node.value
    if _named(path, "id"):
        return "id", int(node.value) if node.value.isdigit() and len(node.value) < 10 else -1
    if _named(path, "emails", "value"):
        return "email", node.value.strip().lower()
    return None


def _eq(node: Comparison) -> bool:
    return node.op == CompareOperator.eq


def _named(path: AttrPath, attr: str, sub: str | None = None) -> bool:
    core = path.uri is None or path.uri.lower() == str(User.__schema__).lower()
    same_sub = (path.sub_attr or "").lower() == (sub or "").lower()
    return core and path.attr.lower() == attr.lower() and same_sub
