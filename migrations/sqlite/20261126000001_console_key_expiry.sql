-- Console keys live only in the memory of the process that minted them. That process pushes
-- `expires_at` forward while it runs; the key of a process that is gone expires on its own, so
-- an instance starting on a shared database removes only expired keys, never a live instance's.
-- Console keys from before this column are treated as expired. `api` keys never expire.
alter table api_key add column expires_at text;
