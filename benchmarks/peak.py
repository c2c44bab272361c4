"""Run a command; write its wall time and peak RSS (from the kernel, via wait4) as JSON to a file.

Run as: python -m benchmarks.peak RESULT.json COMMAND…

Every measured process is started from this small one: Linux counts into a process's peak RSS the memory
its image had before exec, which is a copy of its parent's, so a command forked straight from the
benchmark (hundreds of MB after building a region) would report the benchmark's memory as its own.
"""
import json
import os
import subprocess
import sys
import time


def main(result: str, command: list[str]) -> int:
    """Run the command to completion and record what it took; return its exit status."""
    start = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    with open(result, "w", encoding="utf-8") as out:
        json.dump({"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}, out)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
