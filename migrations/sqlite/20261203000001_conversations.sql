-- Conversations (okchat's sessions) and their messages.

-- A session found again by its caller's key: Chat's `sessionToken`, stored as `sns_user_id`
-- (as okchat does). `metadata` is a JSON object (`anonymous`, and `lead` once captured).
create table chat_session (
    id              text primary key not null,
    chatbot_id      text not null references chatbot (id) on delete cascade,
    organization_id text not null references organization (id) on delete cascade,
    platform        text not null,
    sns_user_id     text,
    user_id         text,
    is_human_mode   integer not null default 0,
    state           text not null default 'in_progress',
    metadata        text not null default '{}',
    -- Messages stored so far: the next message's `seq` is one more.
    message_count   integer not null default 0,
    created_at      text not null,
    updated_at      text not null
);
create unique index chat_session_caller on chat_session (chatbot_id, sns_user_id)
    where sns_user_id is not null;
create index chat_session_newest on chat_session (chatbot_id, created_at, id);

-- `seq` orders a session's messages (timestamps can tie within a microsecond); the bot's answer
-- to a turn always follows the turn. JSON columns hold arrays or objects as the API shows them.
create table chat_message (
    id           text primary key not null,
    session_id   text not null references chat_session (id) on delete cascade,
    seq          integer not null,
    sender_type  text not null,
    content      text not null,
    attachments  text,
    metadata     text not null default '{}',
    model        text,
    provider     text,
    tool_calls   text,
    tool_results text,
    tokens_used  integer not null default 0,
    created_at   text not null,
    unique (session_id, seq)
);
