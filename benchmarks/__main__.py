"""``python -m benchmarks``: tmlcfg beside pydantic v2, msgspec and plain attrs+cattrs."""

from __future__ import annotations

import sys

from .run import main

if __name__ == "__main__":
    sys.exit(main())
