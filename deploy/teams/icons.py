"""Draws the Teams app icons (a relay baton) as PNGs, with nothing but the standard library.

Run `python deploy/teams/icons.py` to regenerate color.png (192x192, full colour) and
outline.png (32x32, white on transparent), as the Teams app package requires.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEAL = (31, 111, 92)
WHITE = (255, 255, 255)
SAMPLES = 4  # supersampling per axis, for smooth edges


def baton_coverage(x: float, y: float) -> float:
    """1 inside a capsule from the lower left to the upper right of the unit square, else 0."""
    ax, ay, bx, by, radius = 0.28, 0.72, 0.72, 0.28, 0.095
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx - x, ay + t * dy - y
    return 1.0 if px * px + py * py <= radius * radius else 0.0


def draw(size: int, background: tuple[int, int, int] | None) -> list[list[tuple[int, int, int, int]]]:
    rows = []
    for j in range(size):
        row = []
        for i in range(size):
            hits = sum(
                baton_coverage((i + (a + 0.5) / SAMPLES) / size, (j + (b + 0.5) / SAMPLES) / size)
                for a in range(SAMPLES)
                for b in range(SAMPLES)
            )
            alpha = hits / SAMPLES**2
            if background is None:
                row.append((*WHITE, round(255 * alpha)))
            else:
                mixed = tuple(
                    round(c * (1 - alpha) + w * alpha) for c, w in zip(background, WHITE, strict=True)
                )
                row.append((*mixed, 255))
        rows.append(row)
    return rows


def png(pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(v for pixel in row for v in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    (HERE / "color.png").write_bytes(png(draw(192, TEAL)))
    (HERE / "outline.png").write_bytes(png(draw(32, None)))
