"""The enterprise digest (migration 22): count and hash sum of the firm attributes a run's data fingerprint
covers (`queries.data_fingerprint`), kept in `enterprise_digest` by every writer of those columns in its own
transaction — so finding whether a run's data changed reads one row instead of hashing every firm (25 ms at
1M firms). A later migration that changes these columns must recount it (`recount_digest`)."""

from __future__ import annotations

import duckdb

from .db import one

# what the fingerprint covers of a firm
ENTERPRISE_HASHED = ("uscc", "name", "town", "industry_code", "registered_on")


def enterprise_hash(alias: str = "") -> str:
    """The hashed expression of a firm's row, its columns read from table alias `alias` when given."""
    return f"hash({', '.join((alias + '.' if alias else '') + c for c in ENTERPRISE_HASHED)})"


ENTERPRISE_HASH = enterprise_hash()


def enterprise_digest(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(firms, hash sum) of `enterprise` as kept: what `count(*), sum(ENTERPRISE_HASH)` over it gives."""
    found = one(con, "SELECT firms, digest FROM enterprise_digest")
    return (int(found[0]), int(found[1])) if found else (0, 0)


def recount_digest(con: duckdb.DuckDBPyConnection) -> None:
    """Work `enterprise_digest` out again from every firm (after writes that did not keep it)."""
    con.execute("DELETE FROM enterprise_digest")
    con.execute(
        f"INSERT INTO enterprise_digest SELECT count(*), coalesce(sum({ENTERPRISE_HASH}), 0) FROM enterprise"
    )


def digest_of(con: duckdb.DuckDBPyConnection, staged: str, *, new: bool) -> int:
    """Hash sum over the rows of table `staged` (a write's firms: `uscc`, the hashed columns, `new`): of the
    store's rows of its known firms (`new` false), or of its own rows of the new ones (`new` true: what the
    write inserts as they are)."""
    if new:
        sql = f"SELECT coalesce(sum({ENTERPRISE_HASH}), 0) FROM {staged} WHERE new"
    else:
        sql = (
            f"SELECT coalesce(sum({enterprise_hash('e')}), 0) "
            f"FROM enterprise e SEMI JOIN (SELECT uscc FROM {staged} WHERE NOT new) s ON e.uscc = s.uscc"
        )
    return int(one(con, sql)[0])


def add_to_digest(con: duckdb.DuckDBPyConnection, firms: int, digest: int) -> None:
    """Add a write's change (new firms, hash sum after minus before) to `enterprise_digest`."""
    con.execute(
        "UPDATE enterprise_digest SET firms = firms + ?, digest = digest + ?::HUGEINT", [firms, str(digest)]
    )
