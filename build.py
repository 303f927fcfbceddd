"""`python build.py [--content DIR] [--out DIR] …` is the same as `sitegen build …`."""

import sys

from sitegen.cli import main

if __name__ == "__main__":
    main(["build", *sys.argv[1:]])
