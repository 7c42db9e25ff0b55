"""``python -m cleaner`` runs the ``vnclean`` command."""

import sys

from cleaner.cli import main

sys.exit(main())
