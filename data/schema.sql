-- kuomian's DuckDB schema. Months are stored as month indexes (12 * year + month).
-- Every fact row remembers the import that wrote it; the replaced_* tables keep
-- what an import overwrote, so that `kuomian rollback` can put it back.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS imports (
    import_id      INTEGER PRIMARY KEY,
    kind           VARCHAR NOT NULL,      -- regions | population | snapshots | pool | actions
    source         VARCHAR NOT NULL,      -- the file name, or "demo"
    imported_at    TIMESTAMP NOT NULL,
    row_count      INTEGER NOT NULL,
    added          INTEGER NOT NULL,
    replaced       INTEGER NOT NULL,
    is_demo        BOOLEAN NOT NULL DEFAULT FALSE,
    rolled_back_at TIMESTAMP,
    undoes         INTEGER                -- set on a rollback's own entry: the import it rolled back
);
-- Databases made before rollbacks had their own entries (issue 10, point 8).
ALTER TABLE imports ADD COLUMN IF NOT EXISTS undoes INTEGER;

CREATE TABLE IF NOT EXISTS regions (
    code        VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    level       VARCHAR NOT NULL,
    parent_code VARCHAR,
    import_id   INTEGER NOT NULL
);

-- Every (ancestor, descendant) pair, a region being its own ancestor at depth 0.
CREATE TABLE IF NOT EXISTS region_closure (
    ancestor   VARCHAR NOT NULL,
    descendant VARCHAR NOT NULL,
    depth      INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS population (
    period      INTEGER NOT NULL,
    region_code VARCHAR NOT NULL,
    required    BIGINT NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS snapshots (
    period      INTEGER NOT NULL,
    region_code VARCHAR NOT NULL,
    scheme      VARCHAR NOT NULL,
    insured     BIGINT NOT NULL,
    receiving   BIGINT NOT NULL,
    paid        BIGINT NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS replaced_regions (
    import_id INTEGER NOT NULL, code VARCHAR, name VARCHAR, level VARCHAR, parent_code VARCHAR,
    prior_import_id INTEGER
);

CREATE TABLE IF NOT EXISTS replaced_population (
    import_id INTEGER NOT NULL, period INTEGER, region_code VARCHAR, required BIGINT,
    prior_import_id INTEGER
);

CREATE TABLE IF NOT EXISTS replaced_snapshots (
    import_id INTEGER NOT NULL, period INTEGER, region_code VARCHAR, scheme VARCHAR,
    insured BIGINT, receiving BIGINT, paid BIGINT, prior_import_id INTEGER
);

-- The expansion pool (扩面对象实名库): per (period, region, key group 1-8), cumulative since the
-- library was set up. Files name the column ``group``; GROUP being an SQL keyword, it is stored as group_id.
CREATE TABLE IF NOT EXISTS pool (
    period            INTEGER NOT NULL,
    region_code       VARCHAR NOT NULL,
    group_id          INTEGER NOT NULL,
    identified        BIGINT NOT NULL,
    enrolled_employee BIGINT NOT NULL,
    enrolled_resident BIGINT NOT NULL,
    import_id         INTEGER NOT NULL
);

-- Persons enrolled through each of the six actions (六个一批, action 1-6), cumulative.
CREATE TABLE IF NOT EXISTS actions (
    period      INTEGER NOT NULL,
    region_code VARCHAR NOT NULL,
    action_id   INTEGER NOT NULL,
    enrolled    BIGINT NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS replaced_pool (
    import_id INTEGER NOT NULL, period INTEGER, region_code VARCHAR, group_id INTEGER,
    identified BIGINT, enrolled_employee BIGINT, enrolled_resident BIGINT, prior_import_id INTEGER
);

CREATE TABLE IF NOT EXISTS replaced_actions (
    import_id INTEGER NOT NULL, period INTEGER, region_code VARCHAR, action_id INTEGER, enrolled BIGINT,
    prior_import_id INTEGER
);

-- Regions that change (cli.md, 区划调整): added to existing databases in place.
ALTER TABLE regions ADD COLUMN IF NOT EXISTS abolished INTEGER;   -- month index, NULL: in force
ALTER TABLE regions ADD COLUMN IF NOT EXISTS successor VARCHAR;
ALTER TABLE replaced_regions ADD COLUMN IF NOT EXISTS abolished INTEGER;
ALTER TABLE replaced_regions ADD COLUMN IF NOT EXISTS successor VARCHAR;

-- Self-reporting and approval (issue 12, point 3): one row per (import, period, region) a reporter's
-- upload covers. status: submitted | approved | returned; a returned import is rolled back, its
-- reason kept here. ``by_account`` (who submitted, at ``submitted_at``) and ``reviewer`` are data.access.Actor accounts.
CREATE TABLE IF NOT EXISTS submissions (
    import_id   INTEGER NOT NULL,
    period      INTEGER NOT NULL,
    region_code VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    by_account  VARCHAR NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    reviewer    VARCHAR,
    reviewed_at TIMESTAMP,
    reason      VARCHAR
);

-- Period locks (issue 12, point 3): every lock and unlock, never updated; a period is locked while its
-- newest entry is a lock. Imports and rollbacks touching a locked period are refused.
CREATE TABLE IF NOT EXISTS period_locks (
    entry_id INTEGER NOT NULL,
    period   INTEGER NOT NULL,
    action   VARCHAR NOT NULL,   -- lock | unlock
    account  VARCHAR NOT NULL,
    acted_at TIMESTAMP NOT NULL,
    reason   VARCHAR NOT NULL
);

-- Tasks in persons (任务下达, issue 13 point 3): per (year, region, task kind), the persons the region is
-- asked to add in that year (new_insured, new_employee) or to have paying (resident_paid).
CREATE TABLE IF NOT EXISTS tasks (
    year        INTEGER NOT NULL,
    region_code VARCHAR NOT NULL,
    task_kind   VARCHAR NOT NULL,
    task        BIGINT NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS replaced_tasks (
    import_id INTEGER NOT NULL, year INTEGER, region_code VARCHAR, task_kind VARCHAR, task BIGINT,
    prior_import_id INTEGER
);

-- The audit log (issue 12, point 4): appended to by data/audit.py, never updated.
CREATE TABLE IF NOT EXISTS audit_log (
    entry_id    BIGINT,
    logged_at   TIMESTAMP NOT NULL,
    account     VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    address     VARCHAR,
    action      VARCHAR NOT NULL,
    region_code VARCHAR,
    detail      VARCHAR NOT NULL
);

-- Accounts (issue 12, point 1): data/accounts.py. Passwords as argon2id hashes only.
CREATE TABLE IF NOT EXISTS accounts (
    account          VARCHAR NOT NULL,
    password_hash    VARCHAR NOT NULL,
    role             VARCHAR NOT NULL,
    region_code      VARCHAR,
    disabled         BOOLEAN NOT NULL DEFAULT FALSE,
    is_demo          BOOLEAN NOT NULL DEFAULT FALSE,
    must_change      BOOLEAN NOT NULL DEFAULT FALSE,
    failures         INTEGER NOT NULL DEFAULT 0,
    last_failure_at  TIMESTAMP,
    locked_until     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    changed_at       TIMESTAMP NOT NULL
);

-- The task ledger (任务清单, issue 14 point 3): one row per task, keyed by its 序号; deadline and the date
-- crossed off as dates; status as stored (not_started | in_progress | done; 逾期 is derived, never stored);
-- regions as comma-joined codes. Written by `kuomian import ledger` (rolled back like any import) and
-- edited on the 任务清单 page; every change is a row of ledger_history.
CREATE TABLE IF NOT EXISTS ledger (
    seq VARCHAR NOT NULL, content VARCHAR NOT NULL, goal VARCHAR, measures VARCHAR, deadline DATE NOT NULL,
    unit VARCHAR NOT NULL, leader VARCHAR, regions VARCHAR, status VARCHAR NOT NULL, note VARCHAR, done_on DATE,
    import_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS replaced_ledger (
    import_id INTEGER NOT NULL, seq VARCHAR, content VARCHAR, goal VARCHAR, measures VARCHAR, deadline DATE,
    unit VARCHAR, leader VARCHAR, regions VARCHAR, status VARCHAR, note VARCHAR, done_on DATE, prior_import_id INTEGER
);
CREATE TABLE IF NOT EXISTS ledger_history (
    change_id INTEGER NOT NULL, seq VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL, account VARCHAR NOT NULL,
    role VARCHAR NOT NULL, field VARCHAR NOT NULL, old VARCHAR, new VARCHAR, import_id INTEGER
);

-- Materialised metrics (issue 15): data/materialised.py builds them inside every write that changes
-- snapshots, population or regions; the report reads them while meta says they are fresh.
CREATE TABLE IF NOT EXISTS metric_months (
    region_code VARCHAR NOT NULL, period INTEGER NOT NULL,
    completeness DOUBLE, carried INTEGER,
    coverage_rate_numerator DOUBLE, coverage_rate_denominator DOUBLE, coverage_rate_value DOUBLE, coverage_rate_comparable BOOLEAN, coverage_rate_value_prev DOUBLE, coverage_rate_comparable_prev BOOLEAN, coverage_rate_fit_n INTEGER, coverage_rate_slope DOUBLE, coverage_rate_at_period DOUBLE,
    employee_share_numerator DOUBLE, employee_share_denominator DOUBLE, employee_share_value DOUBLE, employee_share_comparable BOOLEAN, employee_share_value_prev DOUBLE, employee_share_comparable_prev BOOLEAN, employee_share_fit_n INTEGER, employee_share_slope DOUBLE, employee_share_at_period DOUBLE,
    payment_rate_numerator DOUBLE, payment_rate_denominator DOUBLE, payment_rate_value DOUBLE, payment_rate_comparable BOOLEAN, payment_rate_value_prev DOUBLE, payment_rate_comparable_prev BOOLEAN, payment_rate_fit_n INTEGER, payment_rate_slope DOUBLE, payment_rate_at_period DOUBLE
);
CREATE TABLE IF NOT EXISTS metric_starts (region_code VARCHAR NOT NULL, coverage_rate_month INTEGER, coverage_rate_value DOUBLE, employee_share_month INTEGER, employee_share_value DOUBLE);

-- A reporter's upload is held until the level above approves it (issue 12 point 3, brief pend5): the
-- checked rows wait here, counted nowhere; approval lands them through data.store.write (import_id then
-- names the import), a return only marks the submission. ``rows_json``: the rows as checked, ``_row``
-- (the file's row) and the kind's table columns, JSON records. Who submitted: account, role, region, address.
CREATE TABLE IF NOT EXISTS pending_uploads (
    submission_id INTEGER NOT NULL,
    kind          VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    row_count     INTEGER NOT NULL,
    rows_json     VARCHAR NOT NULL,
    account       VARCHAR NOT NULL,
    role          VARCHAR NOT NULL,
    region_code   VARCHAR,
    address       VARCHAR,
    submitted_at  TIMESTAMP NOT NULL,
    import_id     INTEGER
);
-- A held submission has no import until approved: its (period, region) rows carry the submission's own
-- number; rows recorded under the old rule (landed at once) keep submission_id NULL and read it as import_id.
ALTER TABLE submissions ADD COLUMN IF NOT EXISTS submission_id INTEGER;
ALTER TABLE submissions ALTER COLUMN import_id DROP NOT NULL;
