"""Zip a directory for a store upload: manifest.json at the root of the archive.

Entries are sorted and carry a fixed timestamp and mode so the same tree always gives the same
bytes, which makes two builds easy to compare.

    python3 scripts/zipdir.py dist/chromium dist/optout-guard-chromium-0.1.0.zip
"""

import os
import sys
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, out = sys.argv[1], sys.argv[2]
    if not os.path.isfile(os.path.join(src, "manifest.json")):
        print(f"error: {src} has no manifest.json", file=sys.stderr)
        return 1

    files = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for name in filenames:
            path = os.path.join(dirpath, name)
            files.append((os.path.relpath(path, src).replace(os.sep, "/"), path))
    files.sort()

    tmp = out + ".part"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arcname, path in files:
            info = zipfile.ZipInfo(arcname, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(path, "rb") as f:
                zf.writestr(info, f.read(), compresslevel=9)
    os.replace(tmp, out)
    print(f"{out}: {len(files)} files, {os.path.getsize(out)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
