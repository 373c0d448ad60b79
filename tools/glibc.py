"""The glibc that a folder of wheels needs, for tools/bundle.

    python tools/glibc.py WHEELS          prints the glibc the wheels need together, e.g. 2.28
    python tools/glibc.py WHEELS 2.28     prints the file names of the wheels that need a newer glibc than 2.28

A binary wheel runs on the oldest glibc among its manylinux tags (manylinux_2_27.manylinux_2_28 runs on 2.27);
manylinux1, manylinux2010 and manylinux2014 stand for glibc 2.5, 2.12 and 2.17. A wheel without one needs none.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

LEGACY = {"1": 5, "2010": 12, "2014": 17}
TAG = re.compile(r"manylinux(?:_2_(\d+)|(1|2010|2014))_")


def needed_minor(wheel: str) -> int | None:
    """The glibc 2.N a wheel needs, as N; None for a wheel that runs on any."""
    tags = TAG.findall(wheel)
    return min(int(minor) if minor else LEGACY[legacy] for minor, legacy in tags) if tags else None


def main(folder: Path, limit: str | None) -> None:
    needs = {wheel.name: needed_minor(wheel.name) for wheel in sorted(folder.glob("*.whl"))}
    if limit is None:
        print(f"2.{max((n for n in needs.values() if n is not None), default=17)}")
        return
    ceiling = int(limit.removeprefix("2."))
    for name, minor in needs.items():
        if minor is not None and minor > ceiling:
            print(name)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)
