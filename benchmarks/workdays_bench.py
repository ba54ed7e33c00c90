"""Working-day calendar benchmark: calls per second, cold and warm.

    python benchmarks/workdays_bench.py            # default sizes
    python benchmarks/workdays_bench.py --calls 200000

1. Cold: the first call for each of 10 years (builds and caches that year's days off).
2. Warm: ``is_working_day``, ``shift_to_working_day`` and ``add_working_days(d, ±10)`` over
   random dates in 2026–2030, as planning calls them.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from flows import workdays


def _rate(label: str, fn: Callable[[date], object], days: list[date]) -> None:
    start = time.perf_counter()
    for d in days:
        fn(d)
    elapsed = time.perf_counter() - start
    print(f"{label:<34} {len(days) / elapsed:>12,.0f} calls/s  ({elapsed * 1000:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()

    start = time.perf_counter()
    import holidays  # noqa: F401  (import cost shown apart from the per-year build)

    print(f"import holidays                    {(time.perf_counter() - start) * 1000:>8.1f} ms")
    start = time.perf_counter()
    for year in range(2026, 2036):
        workdays.is_working_day(date(year, 6, 1))
    cold = (time.perf_counter() - start) * 1000 / 10
    print(f"first call per year (cold)         {cold:>8.1f} ms/year")

    rng = random.Random(7)
    days = [date(2026, 1, 1) + timedelta(days=rng.randrange(5 * 365)) for _ in range(args.calls)]
    _rate("is_working_day", workdays.is_working_day, days)
    _rate(
        "shift_to_working_day (earlier)",
        lambda d: workdays.shift_to_working_day(d, "earlier"),
        days,
    )
    _rate("add_working_days(d, +10)", lambda d: workdays.add_working_days(d, 10), days)
    _rate("add_working_days(d, -10)", lambda d: workdays.add_working_days(d, -10), days)


if __name__ == "__main__":
    main()
