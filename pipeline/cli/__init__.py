"""The `wirestream` command line (`main`), the demo it runs, and its helpers."""
