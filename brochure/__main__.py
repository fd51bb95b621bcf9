"""`python -m brochure` runs the same CLI as the `brochure` command."""

from .cli import main

main()
