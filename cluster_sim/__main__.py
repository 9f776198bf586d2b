"""`python -m cluster_sim run SCRIPT [--seed N] [--profile fast]`: play a kubectl script."""

import argparse
import sys
from pathlib import Path

from cluster_sim import gc_policy
from cluster_sim.engine.script import run_script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cluster_sim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a script of kubectl and sim commands")
    run.add_argument("script", help="path to the script, or - for standard input")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--profile", choices=["realistic", "fast"], default="realistic")
    args = parser.parse_args(argv)
    gc_policy.install()
    try:
        if args.script == "-":
            text, base = sys.stdin.buffer.read().decode("utf-8"), Path.cwd()
        else:
            path = Path(args.script)
            text, base = path.read_text(encoding="utf-8"), path.parent
    except OSError as error:
        print(f"error: cannot read script: {error}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as error:
        print(f"error: cannot read script {args.script}: not UTF-8 text ({error})", file=sys.stderr)
        return 1
    sys.stdout.write(run_script(text, seed=args.seed, base_dir=base, profile=args.profile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
