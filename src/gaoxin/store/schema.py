"""Versioned schema migrations, applied in order when a store is opened.

Append a new (version, sql) pair to change the schema; never edit a released one.
"""

from __future__ import annotations

# 研发机构级别 as a 科技局 file coded it (0 无, 1 区县级, 2 市级, 3 省级, 4 国家级), turned into 创新平台 register rows
# to verify: one row per firm, level and run of consecutive data years (the latest non-register batch's code of
# each year), kind 未注明（科技局旧字段迁移）, no approval date, status 待核实, the batch, file, sheet and rows named in
# the note; the row keeps the first year's batch, sheet and row. Names a 创新登记 list already holds are left to
# that list. Migration 19 inserts these rows; `store.registries.convert_coded` applies the same query to a 科技局
# file imported later that still carries the column (the register decides; the old facts stay in place).
CODED_KIND = "未注明（科技局旧字段迁移）"
CODED_COLUMNS = (
    "name, kind, level, province, host_uscc, host_name, approved_on, doc_no, status, last_review_on, grade, "
    "next_review_on, revoked_on, bar_until, note, batch_id, sheet, row_no, superseded, from_year, to_year"
)
CODED_PLATFORMS = f"""
    WITH coded AS (
        SELECT f.uscc, CAST(f.period AS INTEGER) AS year,
               arg_max(f.value, f.batch_id) AS code, max(f.batch_id) AS batch_id,
               arg_max(f.sheet, f.batch_id) AS sheet, arg_max(f.row_no, f.batch_id) AS row_no
        FROM fact f JOIN import_batch b USING (batch_id)
        WHERE f.indicator = 'rd_institution_level' AND b.source <> '科技创新台账'
              AND length(f.period) = 4 AND regexp_full_match(f.period, '[0-9]{{4}}')
        GROUP BY f.uscc, f.period),
    runs AS (
        SELECT c.*, c.year - row_number() OVER (PARTITION BY c.uscc, c.code ORDER BY c.year) AS island
        FROM coded c WHERE c.code IN (1, 2, 3, 4)),
    grouped AS (
        SELECT r.uscc, r.code, min(r.year) AS from_year, max(r.year) AS to_year,
               arg_min(r.batch_id, r.year) AS batch_id, arg_min(r.sheet, r.year) AS sheet,
               arg_min(r.row_no, r.year) AS row_no,
               string_agg(format('{{}} 年：批次 {{}}「{{}}」工作表「{{}}」第 {{}} 行', r.year, r.batch_id, b.file_name,
                                 r.sheet, r.row_no), '；' ORDER BY r.year) AS sources
        FROM runs r JOIN import_batch b USING (batch_id)
        GROUP BY r.uscc, r.code, r.island),
    named AS (
        SELECT g.*, CASE g.code WHEN 4 THEN '国家' WHEN 3 THEN '省' WHEN 2 THEN '市' ELSE '区' END AS level,
               coalesce(e.name, g.uscc) || '研发机构（科技局代码' || CAST(g.code AS INTEGER) || '，'
                   || CASE WHEN g.from_year = g.to_year THEN CAST(g.from_year AS VARCHAR)
                           ELSE g.from_year || '–' || g.to_year END || '年，待核实）' AS name
        FROM grouped g LEFT JOIN enterprise e ON e.uscc = g.uscc)
    SELECT n.name, '{CODED_KIND}', n.level, NULL, n.uscc, NULL, NULL, NULL, '待核实', NULL, NULL, NULL, NULL, NULL,
           '由科技局文件的“研发机构级别”代码 ' || CAST(n.code AS INTEGER) || '（' || n.level
               || '级）转换；平台名称、类型、认定日期均不详，请以科技局/工信局名单核实。来源：' || n.sources,
           n.batch_id, n.sheet, n.row_no, false, n.from_year, n.to_year
    FROM named n
    WHERE n.name NOT IN (SELECT p.name FROM reg_platform p JOIN import_batch b USING (batch_id)
                         WHERE b.source = '科技创新台账')
"""

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
    (
        6,
        "compact run trace: run_item becomes a view over run_trace (integer firm and item numbers)",
        """
        -- run_result rows get their position in the run: trace rows point at it instead of repeating the
        -- 18-character code (a 1M-firm 亩均 run writes ~3.6M trace rows)
        CREATE TABLE run_result_v6 (
            run_id      VARCHAR NOT NULL,
            uscc        VARCHAR NOT NULL,
            list_id     VARCHAR,
            score       DOUBLE,
            rank        INTEGER,
            class_initial VARCHAR,
            class_final VARCHAR,
            reasons     VARCHAR,
            land_mu     DOUBLE,
            base_score  DOUBLE,
            adjustment  DOUBLE,
            list_size   INTEGER,
            firm        INTEGER NOT NULL  -- 0-based position of the firm in its run (run_trace.firm)
        );
        INSERT INTO run_result_v6
            SELECT *, (row_number() OVER (PARTITION BY run_id ORDER BY rowid) - 1)::INTEGER FROM run_result;

        -- the items a run scored (indicator, 加减分, condition, policy …) with their weight and scheme clause
        CREATE TABLE run_item_def (
            run_id  VARCHAR NOT NULL,
            item_no INTEGER NOT NULL,
            item    VARCHAR NOT NULL,   -- "规上.tax_per_mu", "policy.power_surcharge", …
            weight  DOUBLE,
            clause  VARCHAR
        );
        INSERT INTO run_item_def
            SELECT run_id, (row_number() OVER (PARTITION BY run_id ORDER BY first_row) - 1)::INTEGER,
                   item, weight, clause
            FROM (SELECT run_id, item, weight, clause, min(rowid) AS first_row
                  FROM run_item GROUP BY run_id, item, weight, clause);

        -- the distinct note texts of a run
        CREATE TABLE run_note (
            run_id  VARCHAR NOT NULL,
            note_no INTEGER NOT NULL,
            note    VARCHAR NOT NULL
        );
        INSERT INTO run_note
            SELECT run_id, (row_number() OVER (PARTITION BY run_id ORDER BY note) - 1)::INTEGER, note
            FROM (SELECT DISTINCT run_id, note FROM run_item WHERE note IS NOT NULL);

        CREATE TABLE run_trace (
            run_id      VARCHAR NOT NULL,
            firm        INTEGER NOT NULL,  -- run_result.firm
            item_no     INTEGER NOT NULL,  -- run_item_def.item_no
            value       DOUBLE,
            numerator   DOUBLE,
            denominator DOUBLE,
            benchmark   DOUBLE,
            raw_score   DOUBLE,
            score       DOUBLE,
            note_no     INTEGER            -- run_note.note_no
        );
        INSERT INTO run_trace
            SELECT i.run_id, r.firm, d.item_no, i.value, i.numerator, i.denominator, i.benchmark, i.raw_score,
                   i.score, n.note_no
            FROM run_item i
            JOIN run_result_v6 r ON r.run_id = i.run_id AND r.uscc = i.uscc
            JOIN run_item_def d ON d.run_id = i.run_id AND d.item = i.item
                 AND d.weight IS NOT DISTINCT FROM i.weight AND d.clause IS NOT DISTINCT FROM i.clause
            LEFT JOIN run_note n ON n.run_id = i.run_id AND n.note = i.note
            ORDER BY i.rowid;

        DROP TABLE run_item;
        DROP TABLE run_result;
        ALTER TABLE run_result_v6 RENAME TO run_result;

        -- the long per-(firm, item) trace as before: every reader of run_item keeps working
        CREATE VIEW run_item AS
            SELECT t.run_id, r.uscc, d.item, t.value, t.numerator, t.denominator, t.benchmark, t.raw_score,
                   t.score, d.weight, n.note, d.clause
            FROM run_trace t
            JOIN run_result r ON r.run_id = t.run_id AND r.firm = t.firm
            JOIN run_item_def d ON d.run_id = t.run_id AND d.item_no = t.item_no
            LEFT JOIN run_note n ON n.run_id = t.run_id AND n.note_no = t.note_no;
        """,
    ),
    (
        7,
        "calendar versions a zone loads (new national years, local days off, working hours)",
        """
        CREATE TABLE calendar_version (
            sha256    VARCHAR PRIMARY KEY,
            scope     VARCHAR NOT NULL,   -- national | local
            file_name VARCHAR NOT NULL,
            title     VARCHAR,
            content   BLOB NOT NULL,      -- the file as loaded (CSV or TOML), re-read on every use
            loaded_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        8,
        "cases: case_file, append-only case_event, flow texts, attachments, the derived case_state projection",
        """
        CREATE TABLE flow (
            flow_id   VARCHAR NOT NULL,
            version   VARCHAR,
            sha256    VARCHAR PRIMARY KEY,
            text      VARCHAR NOT NULL,
            stored_at TIMESTAMP NOT NULL
        );
        CREATE TABLE case_file (
            case_id     VARCHAR PRIMARY KEY,   -- SQ-2025-00042
            domain      VARCHAR NOT NULL,      -- request | project | land | appeal
            flow_id     VARCHAR NOT NULL,
            flow_sha256 VARCHAR NOT NULL,      -- the exact flow text the case follows (flow.sha256)
            uscc        VARCHAR,               -- may be linked later
            firm_name   VARCHAR,
            town        VARCHAR,
            title       VARCHAR NOT NULL,
            category    VARCHAR,
            urgency     VARCHAR,
            source      VARCHAR,               -- 来源: 线上 / 12345 / 走访 / 导入 …
            fields_json VARCHAR,
            opened_at   TIMESTAMP NOT NULL
        );
        CREATE TABLE case_event (
            case_id          VARCHAR NOT NULL,
            seq              INTEGER NOT NULL,  -- 1, 2, … per case
            happened_at      TIMESTAMP NOT NULL,
            actor            VARCHAR NOT NULL,
            role             VARCHAR NOT NULL,
            action           VARCHAR NOT NULL,  -- a flow transition id, or open / note / attach / assign / …
            from_state       VARCHAR,
            to_state         VARCHAR,
            fields_json      VARCHAR,
            note             VARCHAR,
            attachments_json VARCHAR,           -- sha256 list (attachment.sha256)
            recorded_at      TIMESTAMP NOT NULL,
            PRIMARY KEY (case_id, seq)
        );
        CREATE TABLE attachment (
            sha256    VARCHAR PRIMARY KEY,
            name      VARCHAR NOT NULL,
            size      BIGINT NOT NULL,
            content   BLOB NOT NULL,
            stored_at TIMESTAMP NOT NULL
        );
        -- derived from case_event (rebuilt on every append and on demand); never the source of truth
        CREATE TABLE case_state (
            case_id        VARCHAR PRIMARY KEY,
            state          VARCHAR,
            state_title    VARCHAR,
            lead           VARCHAR,
            co_units       VARCHAR,
            handler        VARCHAR,
            due            DATE,
            due_deadline   VARCHAR,
            overdue        BOOLEAN,
            left_workdays  INTEGER,
            escalation     VARCHAR,
            respond_status VARCHAR,
            resolve_status VARCHAR,
            satisfaction   VARCHAR,
            closed_at      TIMESTAMP,
            reopened       INTEGER,
            events         INTEGER,
            provisional    BOOLEAN,
            as_of          DATE
        );
        """,
    ),
    (
        9,
        "部门经办人: the 承办部门 a department-scoped web user sees and acts for",
        """
        ALTER TABLE app_user ADD COLUMN department VARCHAR;
        """,
    ),
    (
        10,
        "case_inbox: the open cases' list rows (header and projection joined), what the 待办 inbox reads",
        """
        -- derived like case_state and rebuilt with it: one row per case someone still owes a step on (open, or
        -- closed but not yet called back and rated, or with a clock running), so the inbox reads a small table
        CREATE TABLE case_inbox AS
        SELECT c.case_id, c.domain, c.title, c.uscc, c.firm_name, c.town, c.category, c.urgency, c.opened_at,
               s.* EXCLUDE (case_id)
        FROM case_file c JOIN case_state s USING (case_id)
        WHERE s.state NOT IN ('withdrawn') AND (s.closed_at IS NULL OR s.satisfaction IS NULL OR s.due IS NOT NULL);
        """,
    ),
    (
        13,
        "正式评价: which run of a (scheme, year) is the official one — decisions beside the runs, with history",
        """
        -- append-only: each row marks a run official (action 'mark') or withdraws the mark ('clear') for its
        -- (scheme_id, period); the official run is the latest row's run when that row is a 'mark'
        CREATE TABLE run_official (
            seq       INTEGER PRIMARY KEY,
            kind      VARCHAR NOT NULL,
            scheme_id VARCHAR NOT NULL,
            period    VARCHAR NOT NULL,
            run_id    VARCHAR NOT NULL,
            action    VARCHAR NOT NULL,           -- mark | clear
            marked_by VARCHAR NOT NULL,
            marked_at TIMESTAMP NOT NULL,
            reason    VARCHAR
        );
        """,
    ),
    (
        12,
        "经济运行监测: monthly zone series (every vintage kept), firm-level monthly values, yearly targets",
        """
        -- one row per published figure; a later batch for the same (indicator, area, period, measure) marks the
        -- earlier ones superseded (a revised month): every vintage stays, the latest is in force
        CREATE TABLE monitor_value (
            indicator  VARCHAR NOT NULL,
            area       VARCHAR NOT NULL,   -- 全区, or a town / department when assigned
            period     VARCHAR NOT NULL,   -- YYYY-MM: 累计 1–N月 for cum / cum_yoy, 当月 for month / month_yoy
            measure    VARCHAR NOT NULL,   -- month | cum | month_yoy | cum_yoy (%, as published: 同口径)
            value      DOUBLE NOT NULL,
            unit       VARCHAR NOT NULL,   -- the indicator card's unit (亿元, 万美元, %)
            combined   BOOLEAN NOT NULL,   -- a 1–2月 合并 release (February stands for January and February)
            batch_id   INTEGER NOT NULL,
            sheet      VARCHAR NOT NULL,
            row_no     INTEGER NOT NULL,
            superseded BOOLEAN NOT NULL DEFAULT false
        );
        CREATE TABLE monitor_firm_value (
            uscc        VARCHAR NOT NULL,
            period      VARCHAR NOT NULL,  -- YYYY-MM, 当月 amount
            year        INTEGER NOT NULL,
            month       INTEGER NOT NULL,
            indicator   VARCHAR NOT NULL,  -- output | revenue | power | tax
            value       DOUBLE NOT NULL,   -- canonical units (元, 千瓦时)
            unit        VARCHAR NOT NULL,
            above_scale BOOLEAN,           -- 规上 as the file says (null: not stated)
            batch_id    INTEGER NOT NULL,
            sheet       VARCHAR NOT NULL,
            row_no      INTEGER NOT NULL,
            superseded  BOOLEAN NOT NULL DEFAULT false
        );
        CREATE TABLE monitor_target (
            year       INTEGER NOT NULL,
            indicator  VARCHAR NOT NULL,
            kind       VARCHAR NOT NULL,   -- level (总量, in the card's unit) | growth (增速, %)
            value      DOUBLE NOT NULL,
            unit       VARCHAR NOT NULL,
            owner      VARCHAR,            -- 责任单位 / 镇街 when assigned; null: the zone
            batch_id   INTEGER NOT NULL,
            sheet      VARCHAR NOT NULL,
            row_no     INTEGER NOT NULL,
            superseded BOOLEAN NOT NULL DEFAULT false
        );
        """,
    ),
    (
        11,
        "project_board: the 招商项目 board's projection (colour, overdue nodes, next node, 三未 inputs, 调度 totals)",
        """
        -- derived from each project's log and the working-day calendar, never entered: rebuilt for a case at
        -- each of its events and for every case on the first board of a day (the running month's colour moves
        -- with the date); `events` and `as_of` say which log and which day a row was derived from
        CREATE TABLE project_board (
            case_id          VARCHAR PRIMARY KEY,
            as_of            DATE NOT NULL,
            events           INTEGER NOT NULL,
            colour           VARCHAR,          -- 绿 / 黄 / 红 of the running month (null: terminated)
            missed           BOOLEAN,
            overdue_nodes    VARCHAR NOT NULL, -- JSON list of the titles of nodes past their planned day, not done
            next_node        VARCHAR,          -- the first node not done, in plan order, and its planned day
            next_due         DATE,
            landed           BOOLEAN NOT NULL, -- 供地 done
            planned_start    DATE,
            planned_complete DATE,
            plan_wan         DOUBLE NOT NULL,  -- cumulative 计划投资 / 完成投资 / 资金到位 (万元)
            done_wan         DOUBLE NOT NULL,
            funds_wan        DOUBLE NOT NULL,
            last_month       VARCHAR,
            last_done_month  VARCHAR,          -- the last month with 完成投资 > 0 (开工未建设)
            -- the agreement as its header holds it (copied so the board and its KPIs read no JSON)
            investment_wan   DOUBLE,
            counted_wan      DOUBLE,
            land_mu          DOUBLE,
            owner            VARCHAR,
            full_year        INTEGER,
            intensity        DOUBLE,
            tax_per_mu       DOUBLE,
            output_per_mu    DOUBLE,
            energy_va        DOUBLE,
            rd_share         DOUBLE,
            plot_ratio       DOUBLE
        );
        -- the yearly 标准地 commitment check of every project past its 达产 year, as last worked; reworked when
        -- a batch is imported or a project's log grows (the fingerprint in app_setting project_check.fingerprint)
        CREATE TABLE project_check (
            case_id        VARCHAR NOT NULL,
            uscc           VARCHAR,
            year           BIGINT NOT NULL,
            item           VARCHAR NOT NULL,
            title          VARCHAR NOT NULL,
            unit           VARCHAR,
            committed      DOUBLE,
            actual         DOUBLE,
            agreement_land BOOLEAN,
            status         VARCHAR NOT NULL,   -- 达标 / 未达标 / 无数据
            short          DOUBLE,
            evidence       VARCHAR[]           -- batch, file, sheet and row of each fact used
        );
        """,
    ),
    (
        14,
        "亩均 公示 / 申诉 / 调档 / 定级: publications of official runs and class decisions beside the runs",
        """
        -- a 公示 of an official run: its window in working days and the columns it shows (runs never edited)
        CREATE TABLE mujun_publication (
            pub_id          VARCHAR PRIMARY KEY,
            run_id          VARCHAR NOT NULL,
            scheme_id       VARCHAR NOT NULL,
            period          VARCHAR NOT NULL,
            window_workdays INTEGER NOT NULL,
            opens_on        DATE NOT NULL,
            ends_on         DATE NOT NULL,          -- the window's last working day
            columns_json    VARCHAR NOT NULL,       -- the public columns, as the rules file allowed them
            opened_by       VARCHAR NOT NULL,
            opened_at       TIMESTAMP NOT NULL,
            note            VARCHAR
        );
        -- append-only: 定级 (finalise) and its withdrawal, who and when
        CREATE TABLE mujun_publication_event (
            pub_id VARCHAR NOT NULL,
            seq    INTEGER NOT NULL,
            action VARCHAR NOT NULL,                -- finalise | reopen
            actor  VARCHAR NOT NULL,
            done_at TIMESTAMP NOT NULL,
            note   VARCHAR
        );
        -- one proposed change of a firm's class in a run: 调档 (adjust), 参评/不参评 (participate), or the
        -- outcome of an appeal (appeal, with the case and the re-run it was worked from)
        CREATE TABLE mujun_decision (
            decision_id  INTEGER PRIMARY KEY,
            run_id       VARCHAR NOT NULL,
            uscc         VARCHAR NOT NULL,
            kind         VARCHAR NOT NULL,          -- adjust | participate | appeal
            class_before VARCHAR,                   -- 初评等级 (the run's class_final)
            class_after  VARCHAR NOT NULL,          -- 调档后等级 (T: 不参评)
            reason       VARCHAR NOT NULL,
            note         VARCHAR,
            case_id      VARCHAR,
            rerun_id     VARCHAR,
            score_after  DOUBLE,
            proposed_by  VARCHAR NOT NULL,
            proposed_at  TIMESTAMP NOT NULL
        );
        -- append-only reviews: 通过 / 退回 by a second user; the latest row is the decision's status
        CREATE TABLE mujun_decision_review (
            decision_id INTEGER NOT NULL,
            seq         INTEGER NOT NULL,
            status      VARCHAR NOT NULL,           -- 通过 | 退回
            reviewed_by VARCHAR NOT NULL,
            reviewed_at TIMESTAMP NOT NULL,
            note        VARCHAR
        );
        """,
    ),
    (
        15,
        "land register: 宗地 with 出让合同 and actual dates, buildings and leases, geometries, 53号令 decisions",
        """
        -- one row per 宗地 per import; the row in force is the latest not superseded (the parcel table of
        -- migration 1 keeps the 亩均 land facts of the enterprise files and is left as it is)
        CREATE TABLE land_parcel (
            parcel_no        VARCHAR NOT NULL,   -- 宗地编号
            uscc             VARCHAR,            -- 土地使用权人
            holder_name      VARCHAR,
            town             VARCHAR,
            location         VARCHAR,
            area_mu          DOUBLE NOT NULL,
            land_use         VARCHAR,            -- 工业 / 仓储 / 商服 …
            supply           VARCHAR,            -- 出让 | 划拨
            tenure           VARCHAR,            -- 自有 | 租赁
            contract_no      VARCHAR,            -- 出让合同 / 划拨决定书 编号
            signed_on        DATE,
            price_wan        DOUBLE,             -- 出让 / 划拨 价款 (万元)
            agreed_start     DATE,               -- 约定动工开发日期
            agreed_complete  DATE,               -- 约定竣工日期
            agreed_intensity DOUBLE,             -- 约定投资强度 (万元/亩)
            plot_ratio       DOUBLE,             -- 约定容积率
            planned_floor_m2 DOUBLE,             -- 应动工开发建设总面积 (m²)
            total_invest_wan DOUBLE,             -- 约定总投资 (万元, 不含地价和税费)
            actual_start     DATE,               -- 实际动工 (53号令 meaning, not the permit)
            actual_complete  DATE,
            stopped_on       DATE,               -- 中止开发建设之日
            built_floor_m2   DOUBLE,
            invested_wan     DOUBLE,             -- 已投资额 (万元, 不含地价和税费)
            industry_code    VARCHAR,
            industry_status  VARCHAR,            -- 禁止类 / 淘汰类 / 限制类 (产业结构调整指导目录)
            batch_id         INTEGER NOT NULL,
            sheet            VARCHAR NOT NULL,
            row_no           INTEGER NOT NULL,
            superseded       BOOLEAN NOT NULL DEFAULT false
        );
        CREATE TABLE land_building (
            building_no  VARCHAR NOT NULL,
            parcel_no    VARCHAR NOT NULL,
            name         VARCHAR,
            floor_m2     DOUBLE NOT NULL,
            use          VARCHAR,
            owner_uscc   VARCHAR,                -- 出租方 (产权人)
            lessee_uscc  VARCHAR,                -- 承租方; null: used by the owner or empty
            leased_m2    DOUBLE,
            vacant_m2    DOUBLE,
            batch_id     INTEGER NOT NULL,
            sheet        VARCHAR NOT NULL,
            row_no       INTEGER NOT NULL,
            superseded   BOOLEAN NOT NULL DEFAULT false
        );
        CREATE TABLE land_geometry (
            parcel_no  VARCHAR NOT NULL,
            geojson    VARCHAR NOT NULL,         -- GeoJSON geometry, lon/lat (CGCS2000 ≈ WGS84 at map scale)
            crs        VARCHAR NOT NULL,
            lon        DOUBLE NOT NULL,          -- a point inside the polygon (label / click)
            lat        DOUBLE NOT NULL,
            batch_id   INTEGER NOT NULL,
            feature_no INTEGER NOT NULL,
            superseded BOOLEAN NOT NULL DEFAULT false
        );
        -- 盘活目标 per town and year (a sheet of the same 自然资源 file): the 亩 to free, against 销号 outcomes
        CREATE TABLE land_target (
            year       INTEGER NOT NULL,
            town       VARCHAR NOT NULL,
            target_mu  DOUBLE NOT NULL,
            batch_id   INTEGER NOT NULL,
            sheet      VARCHAR NOT NULL,
            row_no     INTEGER NOT NULL,
            superseded BOOLEAN NOT NULL DEFAULT false
        );
        -- what officers and approvers record beside the clocks (append only): government / 不可抗力 delays with
        -- their verification, the start of an investigation, 认定, and the 闲置费 / 收回 decisions
        CREATE TABLE land_decision (
            decision_id VARCHAR NOT NULL,
            parcel_no   VARCHAR NOT NULL,
            kind        VARCHAR NOT NULL,        -- delay | investigation | finding | fee | reclaim | option
            cause       VARCHAR,
            from_day    DATE,
            to_day      DATE,
            verified    BOOLEAN,
            amount_wan  DOUBLE,
            actor       VARCHAR NOT NULL,
            note        VARCHAR,
            clause      VARCHAR,
            recorded_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        16,
        "innovation registries: R&D platforms, technology contracts, talent, service providers and hosted firms",
        """
        -- one row per record per import; the row in force is the latest not superseded (same identity, later
        -- batch). Each keeps the batch, sheet and Excel row it came from, like every imported table
        CREATE TABLE reg_platform (
            name           VARCHAR NOT NULL,   -- 平台名称 (identity)
            kind           VARCHAR NOT NULL,   -- 重点实验室 | 工程技术研究中心 | 企业技术中心 | 工业设计中心 | …
            level          VARCHAR NOT NULL,   -- 国家 | 省 | 市
            province       VARCHAR,            -- where the level's cycle differs by province
            host_uscc      VARCHAR,            -- 依托单位 (firm), or
            host_name      VARCHAR,            -- an institution without a credit code
            approved_on    DATE,               -- 认定 / 批准 日期
            doc_no         VARCHAR,            -- 认定文号
            status         VARCHAR,            -- 有效 | 待复核 | 警示 | 撤销 (as the department sends it)
            last_review_on DATE,               -- 最近复核 / 评价 日期
            grade          VARCHAR,            -- 最近评价结果 (优秀 / 良好 / 基本合格 / 不合格 …)
            next_review_on DATE,               -- 下次复核日期 as sent (else worked from the rules)
            revoked_on     DATE,
            bar_until      DATE,               -- 不得再次申请 until
            note           VARCHAR,
            batch_id       INTEGER NOT NULL,
            sheet          VARCHAR NOT NULL,
            row_no         INTEGER NOT NULL,
            superseded     BOOLEAN NOT NULL DEFAULT false
        );
        CREATE TABLE reg_contract (
            contract_no     VARCHAR NOT NULL,  -- 合同登记编号 (identity)
            title           VARCHAR,
            seller_uscc     VARCHAR,
            seller_name     VARCHAR,
            buyer_uscc      VARCHAR,
            buyer_name      VARCHAR,
            ctype           VARCHAR NOT NULL,  -- 开发 | 转让 | 许可 | 咨询 | 服务
            amount_wan      DOUBLE NOT NULL,   -- 成交额 (万元)
            tech_amount_wan DOUBLE,            -- 技术交易额 (万元)
            registered_on   DATE NOT NULL,     -- 登记日期
            batch_id        INTEGER NOT NULL,
            sheet           VARCHAR NOT NULL,
            row_no          INTEGER NOT NULL,
            superseded      BOOLEAN NOT NULL DEFAULT false
        );
        -- personal data kept minimal: what a 人才办 list holds (shown only to roles that may see it)
        CREATE TABLE reg_talent (
            name          VARCHAR NOT NULL,
            field         VARCHAR,
            programme     VARCHAR NOT NULL,    -- 人才计划
            level         VARCHAR NOT NULL,    -- 国家 | 省 | 市 | 区
            year          INTEGER,             -- 入选年度
            employer_uscc VARCHAR,
            employer_name VARCHAR,
            mode          VARCHAR,             -- 全职 | 柔性
            batch_id      INTEGER NOT NULL,
            sheet         VARCHAR NOT NULL,
            row_no        INTEGER NOT NULL,
            superseded    BOOLEAN NOT NULL DEFAULT false
        );
        CREATE TABLE reg_provider (
            name          VARCHAR NOT NULL,    -- 载体 / 机构 名称 (identity)
            kind          VARCHAR NOT NULL,    -- 孵化器 | 众创空间 | 加速器 | 投资机构 | 技术转移机构
            level         VARCHAR,             -- 国家 | 省 | 市 (备案 / 认定 level)
            operator_uscc VARCHAR,
            town          VARCHAR,
            area_m2       DOUBLE,              -- 场地面积 (m²)
            hosted_count  INTEGER,             -- 在孵 / 服务 企业数 as sent
            approved_on   DATE,
            batch_id      INTEGER NOT NULL,
            sheet         VARCHAR NOT NULL,
            row_no        INTEGER NOT NULL,
            superseded    BOOLEAN NOT NULL DEFAULT false
        );
        -- who serves whom: a provider's hosted firms (在孵企业名单)
        CREATE TABLE reg_hosted (
            provider_name VARCHAR NOT NULL,
            firm_name     VARCHAR NOT NULL,
            firm_uscc     VARCHAR,
            since         DATE,
            graduated_on  DATE,
            batch_id      INTEGER NOT NULL,
            sheet         VARCHAR NOT NULL,
            row_no        INTEGER NOT NULL,
            superseded    BOOLEAN NOT NULL DEFAULT false
        );
        """,
    ),
    (
        17,
        "batch digests: per batch and period the count and hash sum of its facts, kept at import so the data "
        "fingerprint of a run is a sum over a few hundred rows instead of a hash over every fact",
        """
        -- facts are never edited after their batch is written, so a batch's digest is fixed at import; the sum
        -- over the batches of a period equals the old hash over that period's facts (same run ids)
        CREATE TABLE batch_digest (
            batch_id INTEGER NOT NULL,
            period   VARCHAR NOT NULL,
            facts    BIGINT NOT NULL,
            digest   HUGEINT NOT NULL
        );
        INSERT INTO batch_digest
            SELECT batch_id, period, count(*), coalesce(sum(hash(uscc, period, indicator, value, batch_id)), 0)
            FROM fact GROUP BY batch_id, period;
        """,
    ),
    (
        18,
        "registry zone measures: 技术合同成交额, 国家级和省级研发机构数 and their per-capita forms of the home zone per "
        "year, worked from the registers in force after each registry batch (the zone ranking reads them for the "
        "home zone instead of the numbers a zone file types in)",
        """
        CREATE TABLE reg_zone_measure (
            period    VARCHAR NOT NULL,
            indicator VARCHAR NOT NULL,   -- a zone_fields id
            value     DOUBLE NOT NULL,
            unit      VARCHAR NOT NULL,
            batch_id  INTEGER NOT NULL,   -- the registry batch after which it was worked
            note      VARCHAR             -- how: the register, the year's rule, the denominator
        );
        """,
    ),
    (
        19,
        "研发机构级别 leaves the 科技局 file: the coded numbers of old stores become 创新平台 register rows to verify "
        "(kind 未注明, level from the code, no approval date, status 待核实, the data years they held); the old facts "
        "stay in place",
        f"""
        -- a converted row counts only in the data years its codes came from (NULL: any year, every listed row)
        ALTER TABLE reg_platform ADD COLUMN from_year INTEGER;
        ALTER TABLE reg_platform ADD COLUMN to_year INTEGER;
        INSERT INTO reg_platform ({CODED_COLUMNS}) {CODED_PLATFORMS};
        """,
    ),
    (
        20,
        "point look-ups of one firm (画像, access checks, parcels) through an index on the credit code instead of a "
        "scan of every firm and parcel",
        """
        -- DuckDB cannot ALTER a table that has an index: a later migration that alters enterprise or parcel drops
        -- the index first and creates it again after
        CREATE INDEX enterprise_uscc ON enterprise (uscc);
        CREATE INDEX parcel_uscc ON parcel (uscc);
        """,
    ),
    (
        21,
        "integer firm keys: every firm gets a stable number (enterprise.firm, in credit-code order for the firms "
        "already known) and every fact carries it, the facts rewritten clustered by batch and firm, so a run "
        "places facts without joining text codes and a firm's page reads one range of each batch",
        """
        DROP INDEX enterprise_uscc;
        ALTER TABLE enterprise ADD COLUMN firm INTEGER;  -- never reused: firms are never deleted
        UPDATE enterprise SET firm = k.firm
            FROM (SELECT uscc, (row_number() OVER (ORDER BY uscc) - 1)::INTEGER AS firm FROM enterprise) k
            WHERE enterprise.uscc = k.uscc;
        CREATE INDEX enterprise_uscc ON enterprise (uscc);
        CREATE TABLE fact_v21 (
            uscc       VARCHAR NOT NULL,
            period     VARCHAR NOT NULL,
            indicator  VARCHAR NOT NULL,
            value      DOUBLE NOT NULL,
            unit       VARCHAR NOT NULL,
            batch_id   INTEGER NOT NULL,
            sheet      VARCHAR NOT NULL,
            row_no     INTEGER NOT NULL,
            superseded BOOLEAN NOT NULL DEFAULT false,
            firm       INTEGER            -- enterprise.firm; NULL only for a fact whose firm has no record
        );
        INSERT INTO fact_v21
            SELECT f.uscc, f.period, f.indicator, f.value, f.unit, f.batch_id, f.sheet, f.row_no, f.superseded, e.firm
            FROM fact f LEFT JOIN enterprise e USING (uscc)
            ORDER BY f.batch_id, e.firm, f.period, f.indicator;
        DROP TABLE fact;
        ALTER TABLE fact_v21 RENAME TO fact;
        """,
    ),
    (
        22,
        "enterprise digest: the (count, hash sum) of the firm attributes a run's data fingerprint covers, kept by "
        "every write of enterprise (store.firm_digest) instead of hashing every firm at each run",
        """
        CREATE TABLE enterprise_digest (firms BIGINT NOT NULL, digest HUGEINT NOT NULL);
        INSERT INTO enterprise_digest
            SELECT count(*), coalesce(sum(hash(uscc, name, town, industry_code, registered_on)), 0) FROM enterprise;
        """,
    ),
]
