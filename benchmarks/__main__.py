"""`python -m benchmarks [import|assess|dashboard|offline|queue|national ...]`; `make bench` runs them all.

With no benchmark named, every one runs with its defaults (the import first, as before).
"""

import importlib
import sys

BENCHMARKS = {
    "import": "benchmarks.import_bench",
    "assess": "benchmarks.assess_bench",
    "dashboard": "benchmarks.dashboard_bench",
    "offline": "benchmarks.offline_bench",
    "queue": "benchmarks.queue_bench",
    "national": "benchmarks.national_bench",
}


def run(name: str, argv: list[str]) -> int:
    return importlib.import_module(BENCHMARKS[name]).main(argv)


def main(argv: list[str]) -> int:
    if argv and argv[0] in BENCHMARKS:
        return run(argv[0], argv[1:])
    if argv:  # the import benchmark's own options, as before
        return run("import", argv)
    status = 0
    for name, module in BENCHMARKS.items():
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        status |= run(name, [])
    return status


sys.exit(main(sys.argv[1:]))
