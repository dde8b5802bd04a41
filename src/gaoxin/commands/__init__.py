"""CLI command groups; `gaoxin.cli` assembles them. Each module owns the commands of one area.

Module level stays light (typer, rich, gaoxin.fields and these modules): the store, polars, the evaluations
and engine (scipy), the reports and the web app are imported inside the functions that use them, so that
`gaoxin --help` and every command start without paying for the others. tests/cli/test_cli_startup.py guards it.
"""
