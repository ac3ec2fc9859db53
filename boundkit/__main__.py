"""``python -m boundkit``."""

import sys

from boundkit.cli import main

sys.exit(main())
