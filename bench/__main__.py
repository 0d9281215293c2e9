"""Run every `bench/bench_*.py` module's `main()` in turn."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    here = Path(__file__).parent
    wanted = set(sys.argv[1:])
    sys.argv = sys.argv[:1]  # each bench module reads its own options; none are passed on
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        if wanted and info.name.removeprefix("bench_") not in wanted:
            continue
        print(f"\n== {info.name} ==", flush=True)
        importlib.import_module(f"bench.{info.name}").main()


if __name__ == "__main__":
    main()
