"""``python -m ceplan``: the command line."""

import sys

from ceplan.cli.main import main

if __name__ == "__main__":  # not when a worker process imports it (--workers)
    sys.exit(main())
