"""``python -m medauto``."""

import sys

from medauto.cli import main

if __name__ == "__main__":
    sys.exit(main())
