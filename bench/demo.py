"""How long building the demo data set takes (was a timing assert in tests/test_demo.py; timings live here).

    python -m bench.demo        # prints the median of five builds, in seconds
"""

from __future__ import annotations

import statistics
import time

from data.demo import build_demo


def main(runs: int = 5) -> None:
    timings = []
    for seed in range(runs):
        started = time.perf_counter()
        build_demo(seed)
        timings.append(time.perf_counter() - started)
    print(f"build_demo: median {statistics.median(timings):.2f} s over {runs} builds (aim: under 2 s)")


if __name__ == "__main__":
    main()
