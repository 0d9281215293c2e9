"""`python -m refresher` runs the CLI."""

from refresher.cli import main

main()
