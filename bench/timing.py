"""What the in-process benchmarks share: timing one call fairly, and their --repeat option."""

from __future__ import annotations

import argparse
import gc
import time


def timed(function) -> float:
    """Seconds for one call, including collecting the cyclic garbage that call leaves (a render
    leaves ~16k objects, ~35 ms to collect). Starting from a clean heap keeps one side from paying
    for the other's garbage, which would otherwise land on whichever call trips the collector."""
    gc.collect()
    start = time.perf_counter()
    function()
    gc.collect()
    return time.perf_counter() - start


def repeat_from_arguments(description: str, what: str, default: int = 8) -> int:
    """The --repeat N option: timed iterations of each side of the comparison."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeat", type=int, default=default, metavar="N",
                        help=f"timed iterations of each {what} (default: {default})")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args.repeat
