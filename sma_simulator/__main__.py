"""Entry point of ``python -m sma_simulator``."""

import sys

from .cli import main

sys.exit(main())
