"""A fake Microsoft Graph (users with delta queries, app installation answering 429 above a set
rate), a fake Entra ID token endpoint served over TLS (msal speaks only https), and a
self-signed certificate for it."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TENANT = "72f988bf-0000-4000-8000-000000000001"
APP_ID = "00000000-0000-4000-8000-00000000b07"
CATALOG_APP_ID = "catalog-stafet"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "login.pem", directory / "login.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@dataclass
class FakeLogin:
    """Entra ID's discovery document and client-credentials token endpoint."""

    url: str = ""
    tokens: Counter[str] = field(default_factory=Counter)  # scope -> tokens issued

    def app(self) -> Starlette:
        async def discovery(request: Request) -> JSONResponse:
            tenant = request.path_params["tenant"]
            base = f"{self.url}/{tenant}"
            return JSONResponse(
                {
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "issuer": f"{base}/v2.0",
                }
            )

        async def token(request: Request) -> JSONResponse:
            form = await request.form()
            if form.get("grant_type") != "client_credentials" or form.get("client_id") != APP_ID:
                return JSONResponse({"error": "invalid_client", "error_description": "unknown app"}, 401)
            scope = str(form.get("scope") or "")
            self.tokens[scope] += 1
            return JSONResponse(
                {"access_token": f"token-{len(self.tokens)}", "token_type": "Bearer", "expires_in": 3600}
            )

        return Starlette(
            routes=[
                Route("/{tenant}/v2.0/.well-known/openid-configuration", discovery),
                Route("/{tenant}/oauth2/v2.0/token", token, methods=["POST"]),
            ]
        )


@dataclass
class FakeGraph:
    """Users (`add_user`), delta links, and installedApps limited to `rate` a second."""

    rate: float | None = None
    retry_after: float = 1.0
    page_size: int = 100
    url: str = ""
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # user ids in the order they changed
    installs: Counter[str] = field(default_factory=Counter)  # user id -> 201s answered
    installed: set[str] = field(default_factory=set)
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)  # user id -> status, code
    throttled: int = 0
    throttle_next: int = 0  # the next installs answered 429 whatever the rate
    requests: Counter[str] = field(default_factory=Counter)
    _tokens: float = 0.0
    _at: float = 0.0

    def add_user(self, object_id: str, mail: str | None, name: str, **extra: Any) -> None:
        self.users[object_id] = {
            "id": object_id,
            "mail": mail,
            "userPrincipalName": mail or f"{object_id}@tenant.example",
            "displayName": name,
            "accountEnabled": True,
            "userType": "Member",
            **extra,
        }
        self.changes.append(object_id)

    def change(self, object_id: str, **fields: Any) -> None:
        self.users[object_id].update(fields)
        self.changes.append(object_id)

    def _allowed(self) -> bool:
        if self.throttle_next:
            self.throttle_next -= 1
            self.throttled += 1
            return False
        if self.rate is None:
            return True
        now = time.monotonic()
        self._tokens = min(self.rate, self._tokens + (now - self._at) * self.rate) if self._at else self.rate
        self._at = now
        if self._tokens < 1:
            self.throttled += 1
            return False
        self._tokens -= 1
        return True

    def app(self) -> Starlette:
        async def delta(request: Request) -> JSONResponse:
            self.requests["delta"] += 1
            if not request.headers.get("authorization", "").startswith("Bearer "):
                return JSONResponse({"error": {"code": "InvalidAuthenticationToken", "message": "no"}}, 401)
            query = request.query_params
            if "$deltatoken" in query:
                since = int(query["$deltatoken"])
                ids = list(dict.fromkeys(self.changes[since:]))
                start = 0
            else:
                ids = list(self.users)
                start = int(query.get("$skiptoken", 0))
            chunk = ids[start : start + self.page_size]
            body: dict[str, Any] = {"value": [self.users[i] for i in chunk]}
            if "$deltatoken" not in query and start + self.page_size < len(ids):
                body["@odata.nextLink"] = f"{self.url}/users/delta?$skiptoken={start + self.page_size}"
            else:
                body["@odata.deltaLink"] = f"{self.url}/users/delta?$deltatoken={len(self.changes)}"
            return JSONResponse(body)

        async def install(request: Request) -> Response:
            self.requests["install"] += 1
            user = request.path_params["user"]
            if not self._allowed():
                return JSONResponse(
                    {"error": {"code": "TooManyRequests", "message": "throttled"}},
                    429,
                    {"Retry-After": str(self.retry_after)},
                )
            body = await request.json()
            if not str(body.get("teamsApp@odata.bind", "")).endswith(
                f"/appCatalogs/teamsApps/{CATALOG_APP_ID}"
            ):
                return JSONResponse({"error": {"code": "BadRequest", "message": "which app?"}}, 400)
            if user in self.refuse:
                status, code = self.refuse[user]
                return JSONResponse({"error": {"code": code, "message": f"{code} for this user"}}, status)
            if user in self.installed:
                return JSONResponse({"error": {"code": "Conflict", "message": "already installed"}}, 409)
            self.installed.add(user)
            self.installs[user] += 1
            return Response(status_code=201)

        return Starlette(
            routes=[
                Route("/users/delta", delta),
                Route("/users/{user}/teamwork/installedApps", install, methods=["POST"]),
            ]
        )


@asynccontextmanager
async def serve(app: Any, cert: tuple[Path, Path] | None = None) -> AsyncIterator[str]:
    """A real server on a free loopback port in this event loop; https with `cert`."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    options: dict[str, Any] = {}
    if cert is not None:
        options = {"ssl_certfile": str(cert[0]), "ssl_keyfile": str(cert[1])}
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **options))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"{'https' if cert else 'http'}://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@contextmanager
def serve_in_thread(app: Any, cert: tuple[Path, Path] | None = None) -> Iterator[str]:
    """Like `serve`, on a thread of its own: for servers a blocking client (msal) calls from
    inside the test's event loop."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    options: dict[str, Any] = {}
    if cert is not None:
        options = {"ssl_certfile": str(cert[0]), "ssl_keyfile": str(cert[1])}
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"{'https' if cert else 'http'}://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
