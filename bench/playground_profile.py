"""Summarise py-spy's collapsed stacks (`--format raw`): where a process spent its samples.

Prints the share of samples per function, inclusive (the function anywhere on the
stack) and exclusive (on top), for functions in the given path fragments.

    .venv/bin/python -m bench.playground_profile /tmp/server.txt
    .venv/bin/python -m bench.playground_profile /tmp/server.txt --match cluster_sim/ --top 30
"""

import argparse
import re
from collections import Counter

_FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def load(path: str) -> list[tuple[list[str], int]]:
    stacks = []
    with open(path) as handle:
        for line in handle:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if stack and count.isdigit():
                stacks.append((stack.split(";"), int(count)))
    return stacks


def label(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match.group("file")
    for cut in ("site-packages/", "/work/main/", "python3.13/"):
        if cut in file:
            file = file.split(cut, 1)[1]
    return f"{match.group('func')} ({file})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--match", default="", help="only functions whose file contains this")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    stacks = load(args.path)
    total = sum(count for _, count in stacks)
    inclusive, exclusive = Counter(), Counter()
    idle = 0
    for frames, count in stacks:
        names = [label(f) for f in frames]
        if any("select" in n or "epoll" in n or "poll (" in n for n in names[-1:]):
            idle += count
        for name in set(names):
            if args.match in name:
                inclusive[name] += count
        if args.match in names[-1]:
            exclusive[names[-1]] += count
    print(f"{total} samples; {idle / total:.0%} waiting in the event loop's poll")
    print("inclusive:")
    for name, count in inclusive.most_common(args.top):
        print(f"  {count / total:6.1%}  {name}")
    print("exclusive:")
    for name, count in exclusive.most_common(args.top):
        print(f"  {count / total:6.1%}  {name}")


if __name__ == "__main__":
    main()
