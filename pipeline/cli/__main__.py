"""`python -m pipeline.cli ...`: the `wirestream` command (how launchers start a worker)."""

from pipeline.cli.main import main

main()
