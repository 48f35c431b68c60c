-- The client's id of a visitor's turn (Chat's `messages[].id`): a turn sent again under the
-- same id is found instead of stored twice.
alter table chat_message add column client_id text;
create unique index chat_message_client_id on chat_message (session_id, client_id)
    where client_id is not null;
