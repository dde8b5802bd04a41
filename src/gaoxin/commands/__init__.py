"""CLI command groups; `gaoxin.cli` assembles them. Each module owns the commands of one area."""
