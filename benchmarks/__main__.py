import sys

from benchmarks.import_bench import main

sys.exit(main())
