-- People who sign in to the console. Each belongs to one organization; the email is unique
-- across the installation (it is the sign-in name), compared without case.
create table console_user (
    id              text primary key not null,
    organization_id text not null references organization (id) on delete cascade,
    email           text not null unique collate nocase,
    password_hash   text not null,
    created_at      text not null
);
create index console_user_organization on console_user (organization_id);

-- Signed-in browsers. The cookie holds a random token; only its SHA-256 is stored.
create table console_session (
    digest      text primary key not null,
    user_id     text not null references console_user (id) on delete cascade,
    created_at  text not null,
    expires_at  text not null
);
create index console_session_user on console_session (user_id);

-- Keys the console mints for itself to call the API; their secret lives only in the server's
-- memory, so these rows are removed when that server stops.
alter table api_key add column purpose text not null default 'api';
