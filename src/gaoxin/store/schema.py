"""Versioned schema migrations, applied in order when a store is opened.

Append a new (version, sql) pair to change the schema; never edit a released one.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "core tables: enterprise, parcel, fact, import_batch, rejected_row, scheme, run, run_result, run_item",
        """
        CREATE TABLE import_batch (
            batch_id     INTEGER PRIMARY KEY,
            file_name    VARCHAR NOT NULL,
            sha256       VARCHAR NOT NULL UNIQUE,
            source       VARCHAR NOT NULL,
            periods      VARCHAR,            -- comma-separated periods found in the file
            sheets       VARCHAR,
            rows         INTEGER NOT NULL,   -- data rows read (after headers)
            accepted     INTEGER NOT NULL,
            rejected     INTEGER NOT NULL,
            skipped      INTEGER NOT NULL,
            columns_json VARCHAR,            -- header → field/unit mapping as recognised
            notes_json   VARCHAR,            -- warnings (unit assumed, columns ignored, …)
            imported_at  TIMESTAMP NOT NULL
        );
        CREATE SEQUENCE batch_seq START 1;

        CREATE TABLE rejected_row (
            batch_id    INTEGER NOT NULL,
            sheet       VARCHAR NOT NULL,
            row_no      INTEGER NOT NULL,   -- 1-based Excel row number
            disposition VARCHAR NOT NULL,   -- rejected | skipped
            columns     VARCHAR,            -- offending column header(s)
            reasons     VARCHAR NOT NULL,
            raw_json    VARCHAR NOT NULL    -- the row's raw cells, header → text
        );

        CREATE TABLE enterprise (
            uscc           VARCHAR NOT NULL,  -- unique by construction (see store.imports)
            name           VARCHAR,
            registered_on  DATE,
            industry_code  VARCHAR,         -- GB/T 4754-2017 小类, 4 digits
            industry_name  VARCHAR,
            town           VARCHAR,
            business_scope VARCHAR,
            main_products  VARCHAR,
            zone           VARCHAR,
            batch_id       INTEGER,         -- batch that last set the attributes
            attr_source    VARCHAR          -- department of that batch
        );

        CREATE TABLE parcel (
            parcel_id  VARCHAR,
            uscc       VARCHAR NOT NULL,
            period     VARCHAR NOT NULL,
            area_mu    DOUBLE,
            leased_out_mu DOUBLE,
            leased_in_mu  DOUBLE,
            land_use   VARCHAR,
            batch_id   INTEGER NOT NULL,
            row_no     INTEGER NOT NULL
        );

        CREATE TABLE fact (
            uscc      VARCHAR NOT NULL,
            period    VARCHAR NOT NULL,
            indicator VARCHAR NOT NULL,
            value     DOUBLE NOT NULL,
            unit      VARCHAR NOT NULL,
            batch_id  INTEGER NOT NULL,
            sheet     VARCHAR NOT NULL,
            row_no    INTEGER NOT NULL,     -- first source row (parcels summed keep the first)
            superseded BOOLEAN NOT NULL DEFAULT false  -- a preferred or later batch holds the value in force
        );

        CREATE TABLE scheme (
            scheme_id VARCHAR NOT NULL,
            version   VARCHAR,
            sha256    VARCHAR PRIMARY KEY,
            text      VARCHAR NOT NULL,
            stored_at TIMESTAMP NOT NULL
        );

        CREATE TABLE run (
            run_id           VARCHAR PRIMARY KEY,
            kind             VARCHAR NOT NULL,   -- mujun | cultivation | zone
            scheme_id        VARCHAR NOT NULL,
            scheme_sha256    VARCHAR NOT NULL,
            data_fingerprint VARCHAR NOT NULL,
            period           VARCHAR NOT NULL,
            params_json      VARCHAR NOT NULL,
            max_batch_id     INTEGER,          -- facts from later batches are not part of this run
            summary_json     VARCHAR,
            created_at       TIMESTAMP NOT NULL
        );

        CREATE TABLE run_result (
            run_id      VARCHAR NOT NULL,
            uscc        VARCHAR NOT NULL,
            list_id     VARCHAR,          -- 规上 / 规下 / 租赁 …; NULL when out of population
            score       DOUBLE,
            rank        INTEGER,
            class_initial VARCHAR,
            class_final VARCHAR,
            reasons     VARCHAR,
            land_mu     DOUBLE,           -- the land area the run used (亩)
            base_score  DOUBLE,           -- Σ item scores before 加减分
            adjustment  DOUBLE,           -- 加减分
            list_size   INTEGER           -- firms ranked in the same list
        );

        CREATE TABLE run_item (
            run_id      VARCHAR NOT NULL,
            uscc        VARCHAR NOT NULL,
            item        VARCHAR NOT NULL,
            value       DOUBLE,
            numerator   DOUBLE,
            denominator DOUBLE,
            benchmark   DOUBLE,
            raw_score   DOUBLE,
            score       DOUBLE,
            weight      DOUBLE,
            note        VARCHAR,
            clause      VARCHAR           -- scheme clause; policy lines use item = 'policy.<id>'
        );
        """,
    ),
    (
        2,
        "users and sessions (web app), name search index",
        """
        CREATE TABLE app_user (
            name          VARCHAR PRIMARY KEY,
            role          VARCHAR NOT NULL,   -- admin | analyst | town | viewer
            town          VARCHAR,            -- the only 镇街 a town user sees
            password_hash VARCHAR NOT NULL,   -- argon2id
            created_at    TIMESTAMP NOT NULL,
            disabled      BOOLEAN NOT NULL DEFAULT false
        );

        CREATE TABLE app_session (
            token_hash VARCHAR PRIMARY KEY,   -- sha256 of the cookie token: a copied store yields no sessions
            user_name  VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            expires_at TIMESTAMP NOT NULL
        );

        CREATE TABLE app_setting (
            key   VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL
        );

        -- pinyin initials of enterprise names (derived; refreshed from enterprise when names change)
        CREATE TABLE name_index (
            uscc     VARCHAR PRIMARY KEY,
            name     VARCHAR,
            initials VARCHAR
        );
        """,
    ),
    (
        3,
        "chain tags and overrides",
        """
        CREATE TABLE chain_tag (
            uscc        VARCHAR NOT NULL,
            chain_id    VARCHAR NOT NULL,
            node_id     VARCHAR NOT NULL,
            confidence  DOUBLE NOT NULL,
            is_primary  BOOLEAN NOT NULL,
            evidence    VARCHAR,          -- JSON list of {signal, text, section, clause}
            pack_sha256 VARCHAR NOT NULL, -- the chain pack the tag was computed with
            tagged_at   TIMESTAMP NOT NULL
        );
        CREATE TABLE chain_override (
            uscc       VARCHAR NOT NULL,
            chain_id   VARCHAR NOT NULL,
            node_id    VARCHAR NOT NULL,
            action     VARCHAR NOT NULL,  -- add | remove
            note       VARCHAR,
            created_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        5,
        "zone benchmarking: zones as subjects and their yearly indicator facts",
        """
        CREATE TABLE zone (
            zone_id   VARCHAR PRIMARY KEY,   -- 园区代码 when the file gives one, else the zone's name
            name      VARCHAR NOT NULL,
            province  VARCHAR,
            city      VARCHAR,
            level     VARCHAR,               -- national | provincial
            zone_type VARCHAR,
            is_home   BOOLEAN NOT NULL DEFAULT false,
            batch_id  INTEGER                -- batch that last set the attributes
        );

        CREATE TABLE zone_fact (
            zone_id   VARCHAR NOT NULL,
            period    VARCHAR NOT NULL,
            indicator VARCHAR NOT NULL,      -- gaoxin.zone_fields id
            value     DOUBLE NOT NULL,
            unit      VARCHAR NOT NULL,      -- the indicator's own unit (亿元, %, 个 …)
            batch_id  INTEGER NOT NULL,
            sheet     VARCHAR NOT NULL,
            row_no    INTEGER NOT NULL
        );
        """,
    ),
]
