"""Time the demo-data generator at a given size on a fresh database under a temporary VAR_DIR."""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "VAR_DIR": var_dir}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
        started = time.perf_counter()
        subprocess.run([*manage, "seed_demo", "--size", str(args.size)], check=True, env=env, cwd=ROOT)
        elapsed = time.perf_counter() - started
        print(f"seed_demo --size {args.size}: {elapsed:.1f} s")


if __name__ == "__main__":
    main()
