/// The schema, as numbered steps applied in order and recorded in `schema_migrations`.
/// Written in the SQL both SQLite and PostgreSQL accept.
enum Migrations {
    static let all: [[String]] = [
        // 1: the initial schema
        [
            """
            CREATE TABLE datasets (
                id TEXT PRIMARY KEY, path TEXT NOT NULL, size_bytes BIGINT NOT NULL,
                content_hash TEXT NOT NULL UNIQUE, schema_json TEXT NOT NULL, registered_at DOUBLE PRECISION NOT NULL,
                status TEXT NOT NULL, reject_reason TEXT)
            """,
            "CREATE INDEX datasets_registered ON datasets (registered_at DESC)",
            """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY, workflow_name TEXT NOT NULL, workflow_yaml TEXT NOT NULL, workflow_hash TEXT NOT NULL,
                params_json TEXT NOT NULL, inputs_json TEXT NOT NULL, dataset_id TEXT, trigger TEXT NOT NULL,
                state TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, started_at DOUBLE PRECISION,
                finished_at DOUBLE PRECISION, error TEXT, unfinished_steps INTEGER NOT NULL)
            """,
            "CREATE INDEX runs_created ON runs (created_at DESC, id DESC)",
            "CREATE INDEX runs_state ON runs (state, created_at DESC)",
            "CREATE INDEX runs_workflow ON runs (workflow_name, created_at DESC)",
            "CREATE INDEX runs_dataset ON runs (dataset_id, created_at DESC)",
            """
            CREATE TABLE steps (
                run_id TEXT NOT NULL, step_id TEXT NOT NULL, position INTEGER NOT NULL, needs_json TEXT NOT NULL,
                state TEXT NOT NULL, attempt INTEGER NOT NULL, max_attempts INTEGER NOT NULL, retry_budget INTEGER NOT NULL,
                worker TEXT, lease_expires_at DOUBLE PRECISION, not_before DOUBLE PRECISION,
                started_at DOUBLE PRECISION, finished_at DOUBLE PRECISION, exit_status INTEGER, error TEXT,
                outputs_json TEXT NOT NULL, cancel_requested INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (run_id, step_id))
            """,
            "CREATE INDEX steps_ready ON steps (state, not_before)",
            "CREATE INDEX steps_running ON steps (state, lease_expires_at)",
            "CREATE INDEX steps_worker ON steps (worker, state)",
            "CREATE TABLE step_edges (run_id TEXT NOT NULL, step_id TEXT NOT NULL, need_id TEXT NOT NULL, PRIMARY KEY (run_id, need_id, step_id))",
            """
            CREATE TABLE attempts (
                run_id TEXT NOT NULL, step_id TEXT NOT NULL, attempt INTEGER NOT NULL, worker TEXT NOT NULL,
                started_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION, outcome TEXT, error TEXT,
                PRIMARY KEY (run_id, step_id, attempt))
            """,
            """
            CREATE TABLE metrics (
                run_id TEXT NOT NULL, step_id TEXT NOT NULL, name TEXT NOT NULL, value DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (run_id, step_id, name))
            """,
            "CREATE INDEX metrics_name ON metrics (name, run_id)",
            """
            CREATE TABLE events (
                id %AUTOINCREMENT%, run_id TEXT NOT NULL, step_id TEXT, at DOUBLE PRECISION NOT NULL,
                kind TEXT NOT NULL, message TEXT NOT NULL)
            """,
            "CREATE INDEX events_run ON events (run_id, id)",
            """
            CREATE TABLE workers (
                name TEXT PRIMARY KEY, host TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL,
                last_heartbeat DOUBLE PRECISION NOT NULL, steps_held INTEGER NOT NULL)
            """,
        ],
        // 2: idempotent submissions
        [
            "ALTER TABLE runs ADD COLUMN trigger_key TEXT",
            "CREATE UNIQUE INDEX runs_trigger_key ON runs (trigger_key)",
        ],
        // 3: where each attempt's program and each worker run (host, boot, pid namespace, pids), so
        // a process that takes a step back on the same machine can stop what the dead one left.
        [
            "ALTER TABLE attempts ADD COLUMN host TEXT",
            "ALTER TABLE attempts ADD COLUMN boot_id TEXT",
            "ALTER TABLE attempts ADD COLUMN pid_namespace TEXT",
            "ALTER TABLE attempts ADD COLUMN pid INTEGER",
            "ALTER TABLE attempts ADD COLUMN process_group INTEGER",
            "ALTER TABLE attempts ADD COLUMN leader_start_ticks BIGINT",
            "ALTER TABLE workers ADD COLUMN boot_id TEXT",
            "ALTER TABLE workers ADD COLUMN pid_namespace TEXT",
            "ALTER TABLE workers ADD COLUMN pid INTEGER",
        ],
        // 4: step caching — each attempt's cache key, its parts, the files it left, the attempt a
        // cached one reused, why it ran; `cache_entry` marks the attempts that may be reused.
        [
            "ALTER TABLE attempts ADD COLUMN cache_key TEXT",
            "ALTER TABLE attempts ADD COLUMN cache_parts_json TEXT",
            "ALTER TABLE attempts ADD COLUMN cache_files_json TEXT",
            "ALTER TABLE attempts ADD COLUMN cache_bytes BIGINT",
            "ALTER TABLE attempts ADD COLUMN cached_from TEXT",
            "ALTER TABLE attempts ADD COLUMN cache_note TEXT",
            "ALTER TABLE attempts ADD COLUMN cache_entry INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX attempts_cache_key ON attempts (cache_key, cache_entry)",
            "CREATE INDEX attempts_step ON attempts (step_id, finished_at)",
            // `flowrun run --no-cache`, the API's `"cache": false`: no step of the run reuses a result.
            "ALTER TABLE runs ADD COLUMN cache_off INTEGER NOT NULL DEFAULT 0",
        ],
        // 5: a worker's health, written with its heartbeat so that workers on other machines show in
        // /api/health too: its slots, its oldest unfinished store call (what and since when), and
        // the last store call that failed (text and time).
        [
            "ALTER TABLE workers ADD COLUMN concurrency INTEGER",
            "ALTER TABLE workers ADD COLUMN oldest_call TEXT",
            "ALTER TABLE workers ADD COLUMN oldest_call_started_at DOUBLE PRECISION",
            "ALTER TABLE workers ADD COLUMN last_error TEXT",
            "ALTER TABLE workers ADD COLUMN last_error_at DOUBLE PRECISION",
        ],
        // 6: a failed attempt's error excerpt — the last lines its step wrote (at most 20 lines,
        // 2 KiB), so the CLI, the runs table and the run page show the cause without opening a log.
        [
            "ALTER TABLE attempts ADD COLUMN error_excerpt TEXT"
        ],
        // Slots, pools and priorities (issue 18): the slots a step takes, its pool, and the order it
        // is claimed in (its run's submission time less the aging credit of its priority); a pool's
        // limit and the steps holding it now (`in_use`, kept by the statements that start and end
        // attempts: the claim can check it under the row's lock in one statement).
        [
            "ALTER TABLE steps ADD COLUMN cpu INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE steps ADD COLUMN pool TEXT",
            "ALTER TABLE steps ADD COLUMN claim_order DOUBLE PRECISION NOT NULL DEFAULT 0",
            "ALTER TABLE runs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX steps_claim_order ON steps (state, claim_order)",
            "CREATE TABLE pools (name TEXT PRIMARY KEY, slots INTEGER NOT NULL, in_use INTEGER NOT NULL DEFAULT 0)",
        ],
        // Cron schedules and backfill groups (issue 18): the newest tick each scheduled workflow has
        // handled (where a restarted scheduler catches up from; exactly one run per tick is the runs'
        // UNIQUE trigger_key), and run groups — one run per dataset, released max_parallel at a time;
        // `runs.group_id` names a run's group.
        [
            "CREATE TABLE schedule_state (workflow_name TEXT PRIMARY KEY, last_tick DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)",
            """
            CREATE TABLE run_groups (
                id TEXT PRIMARY KEY, workflow_name TEXT NOT NULL, params_json TEXT NOT NULL, datasets_json TEXT NOT NULL,
                max_parallel INTEGER NOT NULL, state TEXT NOT NULL, released INTEGER NOT NULL DEFAULT 0,
                created_at DOUBLE PRECISION NOT NULL, selection TEXT NOT NULL)
            """,
            "ALTER TABLE runs ADD COLUMN group_id TEXT",
            "CREATE INDEX runs_group ON runs (group_id, created_at)",
        ],
        // Notifications and SLAs (issue 18): each run's `notify:` rules (as JSON, with the events
        // they listen to), its SLAs and whether each was missed, and the outbox of deliveries —
        // written in the transaction that ends the run, drained by the delivery service.
        [
            "CREATE TABLE notify_targets (run_id TEXT NOT NULL, position INTEGER NOT NULL, events TEXT NOT NULL, rule_json TEXT NOT NULL, PRIMARY KEY (run_id, position))",
            "CREATE TABLE run_slas (run_id TEXT NOT NULL, step_id TEXT NOT NULL, seconds DOUBLE PRECISION NOT NULL, notified_at DOUBLE PRECISION, PRIMARY KEY (run_id, step_id))",
            "CREATE INDEX run_slas_open ON run_slas (notified_at)",
            """
            CREATE TABLE notify_outbox (
                id %AUTOINCREMENT%, run_id TEXT NOT NULL, position INTEGER NOT NULL, event TEXT NOT NULL, step_id TEXT,
                created_at DOUBLE PRECISION NOT NULL, next_at DOUBLE PRECISION NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                claimed_by TEXT, claimed_until DOUBLE PRECISION, done_at DOUBLE PRECISION)
            """,
            "CREATE INDEX notify_outbox_due ON notify_outbox (done_at, next_at)",
        ],
        // 10: lookups within one run that scanned the whole run: a chained step cost more the longer
        // the chain (PostgreSQL, 3,000 chained steps: 3,000 index entries read per claim).
        // - A step's needs by the step: the primary key leads with the need (a step's dependents),
        //   so "the states of this dependent's needs", asked on every completion of a step with
        //   dependents, read every edge of the run.
        // - A run's steps in a state: a worker bound to one run (`flowrun run`) claims with
        //   `state = 'ready' AND run_id = …`, which PostgreSQL answered by AND-ing the state index
        //   with every entry of the run in the primary key.
        [
            "CREATE INDEX step_edges_step ON step_edges (run_id, step_id, need_id)",
            "CREATE INDEX steps_run_state ON steps (run_id, state, claim_order)",
        ],
        // 11: when an SLA's clock started, when not at the run's creation: a retried run's SLAs are
        // armed again, from the retry.
        [
            "ALTER TABLE run_slas ADD COLUMN since DOUBLE PRECISION"
        ],
        // 12: whether a group may still hold datasets back, so that releasing reads only those
        // groups: the scheduler read the newest 1,000 groups (each with its dataset list) every 2 s
        // while one waited, and never saw an older one again. Groups made before are marked as
        // holding back; the first release pass that finds one fully released clears it.
        [
            "ALTER TABLE run_groups ADD COLUMN holds_back INTEGER NOT NULL DEFAULT 1",
            "CREATE INDEX run_groups_holding_back ON run_groups (holds_back, state)",
        ],
    ]

    static var latest: Int { all.count }
}
