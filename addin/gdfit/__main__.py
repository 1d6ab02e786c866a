import sys

from gdfit.cli import main

sys.exit(main())
