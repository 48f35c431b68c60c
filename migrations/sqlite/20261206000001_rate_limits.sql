-- The public widget's quotas, shared by every instance on this database: one row per visitor
-- and bot (`visitor:{address}:{bot}`) and per bot (`bot:{bot}`). `tat_ms` is GCRA's theoretical
-- arrival time (Unix milliseconds): when the quota is whole again, the state of one key.
create table rate_limit (
    key     text primary key not null,
    tat_ms  integer not null
);
