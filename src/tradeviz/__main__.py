"""``python -m tradeviz``: the same command line as ``tradeviz``."""

import sys

from tradeviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
