"""Cold and warm wall time of check modules at the smoke profile, on this machine.

    .venv/bin/python benchmarks/section_times.py checks/test_training.py [more modules] [--seeds N]

Cold: an empty run cache, so every run is trained. Warm: the same command
again, every run read back from the cache. Reports and the cache go to a
temporary directory, so nothing of the user's is touched or reused.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed_pytest(arguments: list[str]) -> tuple[float, int]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.monotonic() - started
    print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "(no output)", file=sys.stderr)
    return elapsed, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="+", help="check modules, e.g. checks/test_training.py")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per stochastic claim (default: the profile's)")
    args = parser.parse_args()
    print("| checks | seeds | cold (s) | warm (s) |")
    print("|---|---|---|---|")
    for module in args.modules:
        with tempfile.TemporaryDirectory() as scratch:
            common = [module, "--cache-dir", str(Path(scratch) / "cache"), "--report-dir", str(Path(scratch) / "reports")]
            if args.seeds:
                common += ["--seeds", str(args.seeds)]
            cold, cold_status = timed_pytest(common)
            warm, warm_status = timed_pytest(common)
        flag = "" if cold_status == warm_status == 0 else f" (exit {cold_status}/{warm_status})"
        print(f"| `{module}` | {args.seeds or 'profile'} | {cold:.0f} | {warm:.1f}{flag} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
