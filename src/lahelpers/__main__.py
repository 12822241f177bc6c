"""Allow ``python -m lahelpers``."""

from lahelpers.cli import main

if __name__ == "__main__":
    main()
