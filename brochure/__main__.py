"""`python -m brochure` runs the same CLI as the `brochure` command."""

from brochure.cli import main

main()
