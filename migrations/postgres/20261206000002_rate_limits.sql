-- The public widget's quotas, shared by every instance: one row per visitor and bot
-- (`visitor:{address}:{bot}`) and per bot (`bot:{bot}`). `tat_ms` is GCRA's theoretical arrival
-- time (Unix milliseconds): when the quota is whole again, the whole state of one key.
create table rate_limit (
    key     text primary key,
    tat_ms  bigint not null
);
