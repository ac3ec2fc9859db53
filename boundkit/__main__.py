"""``python -m boundkit``."""

import sys

from boundkit.cli.main import main

sys.exit(main())
