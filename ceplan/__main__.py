"""``python -m ceplan``: the command line."""

import sys

from ceplan.cli.main import main

sys.exit(main())
