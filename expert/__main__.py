"""`python -m expert` is the `adieu` command."""

import sys

from .cli import main

sys.exit(main())
