"""``python -m ceplan``: the command line."""

import sys

from ceplan.cli import main

sys.exit(main())
