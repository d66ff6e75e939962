#!/usr/bin/env python3
"""Draws Optout Guard's toolbar icons (a shield with a tick) as PNGs, standard library only.

Usage: python3 scripts/make-icons.py [OUT_DIR]   (default: extension/icons)
The output is deterministic, so the committed PNGs can be checked against a fresh run.
"""

import math
import pathlib
import struct
import sys
import zlib

SIZES = (16, 32, 48, 128)
SHIELD = (0x1F, 0x3A, 0x8A)  # deep blue, distinct from LinkedIn's brand blue
EDGE = (0x0E, 0x1F, 0x52)
TICK = (0xFF, 0xFF, 0xFF)
SAMPLES = 6  # per axis, for anti-aliasing


def shield_half_width(y):
    """Half-width of the shield at height y (unit square, y down), or None outside it."""
    top, shoulder, tip = 0.06, 0.42, 0.97
    if y < top or y > tip:
        return None
    if y <= shoulder:
        return 0.42
    t = (y - shoulder) / (tip - shoulder)
    # Curves in like a cosine, so the sides meet in a point at the bottom.
    return 0.42 * math.cos(t * math.pi / 2) ** 0.85


def in_shield(x, y):
    w = shield_half_width(y)
    if w is None:
        return False
    dx = abs(x - 0.5)
    if dx > w:
        return False
    # Rounded top corners.
    corner, cy = 0.10, 0.06 + 0.10
    cx = 0.42 - corner
    if y < cy and dx > cx:
        return math.hypot(dx - cx, y - cy) <= corner
    return True


def in_inner_shield(x, y, border):
    """The shield shrunk about its centre: what lies outside it is the darker rim."""
    scale = 1.0 - 2.0 * border
    return in_shield(0.5 + (x - 0.5) / scale, 0.51 + (y - 0.51) / scale)


def dist_to_segment(px, py, ax, ay, bx, by):
    vx, vy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)))
    return math.hypot(px - (ax + t * vx), py - (ay + t * vy))


def in_tick(x, y, size):
    # Thicker at small sizes so the tick survives at 16 px.
    half = 0.085 if size <= 16 else 0.07
    a, b, c = (0.30, 0.47), (0.45, 0.62), (0.71, 0.32)
    return dist_to_segment(x, y, *a, *b) <= half or dist_to_segment(x, y, *b, *c) <= half


def render(size):
    edge = 1.2 / size if size <= 32 else 0.035
    rows = []
    for py in range(size):
        row = bytearray([0])  # PNG filter type: none
        for px in range(size):
            acc = [0.0, 0.0, 0.0]
            alpha = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px + (sx + 0.5) / SAMPLES) / size
                    y = (py + (sy + 0.5) / SAMPLES) / size
                    if not in_shield(x, y):
                        continue
                    alpha += 1
                    if in_tick(x, y, size):
                        colour = TICK
                    elif in_inner_shield(x, y, edge):
                        colour = SHIELD
                    else:
                        colour = EDGE
                    for i in range(3):
                        acc[i] += colour[i]
            if alpha:
                row += bytes(round(acc[i] / alpha) for i in range(3))
                row.append(round(255 * alpha / SAMPLES ** 2))
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width, height, raw):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "extension" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        path = out / f"icon-{size}.png"
        path.write_bytes(render(size))
        print(path)


if __name__ == "__main__":
    main()
