"""The public SCIM compliance checker (scim2-tester) against a live Stafet: every check passes."""

from __future__ import annotations

import asyncio

import httpx2
from fastapi import FastAPI
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from tests.support.admin import make_token

PASSING = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE, Status.SKIPPED}


async def test_every_check_passes(app: FastAPI, server: str) -> None:
    token = await make_token(app, "provisioning", "scim2-tester")

    def run() -> list:  # type: ignore[type-arg]
        # The checker's client is synchronous: it runs in a thread while the server serves in this loop.
        headers = {"Authorization": f"Bearer {token}"}
        with httpx2.Client(base_url=f"{server}/scim/v2", headers=headers) as http:
            return check_server(SyncSCIMClient(http))

    results = await asyncio.to_thread(run)
    failed = [f"{r.title}: {r.reason}" for r in results if r.status not in PASSING]
    assert len(results) > 20
    assert failed == [], "\n".join(failed)
    passed = {r.title for r in results if r.status is Status.SUCCESS}
    assert passed >= {"object_creation", "object_replacement", "check_replace_attribute"}
