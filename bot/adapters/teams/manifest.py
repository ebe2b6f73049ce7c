"""The Teams app package: deploy/teams/manifest.json with this bot's id and address, and icons."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "deploy" / "teams"
ICONS = ("color.png", "outline.png")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


class ManifestError(Exception):
    """The package cannot be built; the message says which value is wrong."""


def build_package(app_id: str, url: str, template_dir: Path = TEMPLATE_DIR) -> bytes:
    """The zip to upload in Teams (Apps → Manage your apps → Upload an app)."""
    if not GUID.match(app_id.strip()):
        raise ManifestError(f"--app-id must be the bot's Microsoft app id (a GUID), got {app_id!r}")
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ManifestError(f"--url must be the public https:// address of Stafet, got {url!r}")
    values = {
        "MICROSOFT_APP_ID": app_id.strip().lower(),
        "PUBLIC_URL": url.strip().rstrip("/"),
        "DOMAIN": parts.hostname,
    }
    missing = [name for name in ("manifest.json", *ICONS) if not (template_dir / name).is_file()]
    if missing:
        raise ManifestError(f"{template_dir} lacks {', '.join(missing)} (see deploy/teams in the source)")
    text = (template_dir / "manifest.json").read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    manifest = json.loads(text)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ICONS:
            package.write(template_dir / icon, icon)
    return buffer.getvalue()
