-- chatdeck's schema on PostgreSQL: the same tables, columns and rules as the SQLite migrations
-- (migrations/sqlite), written for this engine. Timestamps are the API's fixed-width UTC text
-- (`2026-12-06T10:00:00.000000+00:00`) in both engines, so their order and equality agree;
-- nested API objects are `jsonb`; flags are `boolean`; binary is `bytea`.

-- Organizations own everything; an API key reaches exactly one organization.
create table organization (
    id          text primary key,
    name        text not null unique,
    created_at  text not null
);

-- Keys are stored only as a SHA-256 digest; `prefix` (first 8 hex chars) tells them apart in
-- lists. `purpose` is `api`, or `console` for the keys a console instance mints for itself;
-- those expire unless the instance that holds them keeps pushing `expires_at` forward.
create table api_key (
    id              text primary key,
    organization_id text not null references organization (id) on delete cascade,
    prefix          text not null,
    digest          text not null unique,
    created_at      text not null,
    revoked_at      text,
    purpose         text not null default 'api',
    expires_at      text
);
create index api_key_organization on api_key (organization_id);

-- `revision` makes concurrent edits safe: an update applies only to the revision it read.
create table chatbot (
    id                  text primary key,
    organization_id     text not null references organization (id) on delete cascade,
    name                text not null,
    slug                text not null,
    description         text not null,
    is_public           boolean not null,
    active              boolean not null,
    personality_config  jsonb not null,
    settings            jsonb not null,
    voice_widget_config jsonb,
    language            text not null,
    openai_api_key      text,
    version_id          text,
    revision            bigint not null,
    created_at          text not null,
    updated_at          text not null,
    -- The sites the widget may run on (an array of origins; empty allows every site).
    allowed_origins     jsonb not null default '[]',
    -- Whether the widget lists the documents an answer drew on.
    show_sources        boolean not null default false,
    unique (organization_id, slug)
);
create index chatbot_organization_created on chatbot (organization_id, created_at);

-- One row per successful change: the chatbot as the API showed it right after the change, and
-- the dot-joined leaf paths the change touched. `seq` orders two versions of one microsecond
-- (SQLite's rowid): a chatbot's writes hold its row lock, so its versions get `seq` in commit
-- order.
create table chatbot_version (
    id          text primary key,
    chatbot_id  text not null references chatbot (id) on delete cascade,
    snapshot    jsonb not null,
    created_at  text not null,
    changed     jsonb not null default '[]',
    seq         bigint generated always as identity
);
create index chatbot_version_chatbot on chatbot_version (chatbot_id, created_at, seq);

-- People who sign in to the console. The email is unique across the installation, compared
-- without case (SQLite's `collate nocase`: ASCII case only, so `lower` of ASCII here too).
create table console_user (
    id              text primary key,
    organization_id text not null references organization (id) on delete cascade,
    email           text not null,
    password_hash   text not null,
    created_at      text not null
);
create unique index console_user_email on console_user (lower(email));
create index console_user_organization on console_user (organization_id);

-- Signed-in browsers. The cookie holds a random token; only its SHA-256 is stored.
create table console_session (
    digest      text primary key,
    user_id     text not null references console_user (id) on delete cascade,
    created_at  text not null,
    expires_at  text not null
);
create index console_session_user on console_session (user_id);

-- The knowledge base. `generation` counts content replacements: a job indexes one generation,
-- so a job overtaken by a newer upload (or by a delete) cannot write stale chunks. The list
-- orders documents by (`created_at`, `id`) and the queue jobs by (`created_at`, `id`) and their
-- times: `collate "C"` compares them byte by byte as SQLite does, whatever the database's locale.
create table knowledge_document (
    id              text collate "C" primary key,
    chatbot_id      text not null references chatbot (id) on delete cascade,
    organization_id text not null references organization (id) on delete cascade,
    title           text not null,
    file_name       text not null,
    format          text not null,
    content_type    text not null,
    size_bytes      bigint not null,
    source          text not null,
    source_url      text,
    -- Where the original is in the knowledge file store; null until a fetched page arrives.
    file_key        text,
    status          text not null,
    error           text,
    chunk_count     bigint not null default 0,
    -- Its chunks' `token_count` summed: with `chunk_count`, the chatbot's average chunk length,
    -- which full-text ranking (BM25) measures each chunk's length against.
    token_count     bigint not null default 0,
    generation      bigint not null default 1,
    created_at      text collate "C" not null,
    updated_at      text not null
);
create index knowledge_document_chatbot on knowledge_document (chatbot_id, created_at);

-- Full-text search reads text as SQLite's index (`porter unicode61 remove_diacritics 2`) and the
-- question's analysis do: words split at anything not a letter or digit, case and diacritics
-- folded (unaccent), English stemming (Snowball), and no stop words, so that a question made of
-- stop words only ("who are you") still finds them. Both extensions are PostgreSQL's contrib
-- ones, trusted: the database's owner may create them.
create extension if not exists unaccent;
-- Lets one GIN index hold the chatbot's id beside the words, so a search reads only its own
-- chatbot's entries, as the `scope` token does on SQLite.
create extension if not exists btree_gin;
create text search dictionary knowledge_stem (template = snowball, language = english);
create text search configuration knowledge_text (copy = english);
alter text search configuration knowledge_text
    alter mapping for asciiword, asciihword, hword_asciipart with knowledge_stem;
alter text search configuration knowledge_text
    alter mapping for word, hword, hword_part, numword, numhword, hword_numpart
    with unaccent, knowledge_stem;

-- A chunk's words weighted A (title), B (headings) and C (body). Punctuation becomes a space
-- first: PostgreSQL's parser would otherwise keep `example.com`, `v1.2`, `a/b` or `3.5` whole (as
-- a host, version, path or number), where SQLite and the question's analysis see two words. The
-- ranges are ASCII's punctuation and the common Unicode spaces, quotes and dashes, by code point,
-- so the split is the same whatever the database's locale.
create function knowledge_chunk_vector(title text, headings text, body text) returns tsvector
    language sql immutable parallel safe
    return setweight(to_tsvector('knowledge_text', regexp_replace(title,
               '[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e\u00a0\u00a1\u00ab\u00b7\u00bb\u00bf\u2000-\u206f\u3000-\u3003]+',
               ' ', 'g')), 'A')
        || setweight(to_tsvector('knowledge_text', regexp_replace(headings,
               '[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e\u00a0\u00a1\u00ab\u00b7\u00bb\u00bf\u2000-\u206f\u3000-\u3003]+',
               ' ', 'g')), 'B')
        || setweight(to_tsvector('knowledge_text', regexp_replace(body,
               '[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e\u00a0\u00a1\u00ab\u00b7\u00bb\u00bf\u2000-\u206f\u3000-\u3003]+',
               ' ', 'g')), 'C');

-- `title` is the document's, copied so the full-text index can weigh it. `search` (the chunk's
-- words) and `token_count` (how many it has, for BM25's length normalisation) are kept by the
-- trigger below, so no statement can leave them out of step with the text.
create table knowledge_chunk (
    id          bigint generated always as identity primary key,
    document_id text not null references knowledge_document (id) on delete cascade,
    chatbot_id  text not null,
    idx         bigint not null,
    title       text not null,
    headings    text not null,
    body        text not null,
    embedding   bytea,
    search      tsvector not null,
    token_count bigint not null,
    unique (document_id, idx)
);
create index knowledge_chunk_chatbot on knowledge_chunk (chatbot_id);
create index knowledge_chunk_search on knowledge_chunk using gin (chatbot_id, search);

-- One trigger rather than generated columns: the token count is read off the vector, which a
-- generated column could not see, and computing the vector twice would double an insert's cost.
create function knowledge_chunk_indexed() returns trigger language plpgsql as $$
begin
    new.search := knowledge_chunk_vector(new.title, new.headings, new.body);
    new.token_count := (select coalesce(sum(cardinality(positions)), 0) from unnest(new.search));
    return new;
end
$$;
create trigger knowledge_chunk_indexed before insert or update of title, headings, body
    on knowledge_chunk for each row execute function knowledge_chunk_indexed();

-- One pending ingestion per document generation. A worker claims a job by writing its name and
-- a lease (`for update skip locked`: two instances never claim the same one); a lease that runs
-- out (the worker died) makes the job claimable again.
create table knowledge_job (
    id            text collate "C" primary key,
    document_id   text not null references knowledge_document (id) on delete cascade,
    generation    bigint not null,
    attempts      bigint not null default 0,
    claimed_by    text,
    claimed_until text collate "C",
    run_after     text collate "C" not null,
    created_at    text collate "C" not null
);
create index knowledge_job_due on knowledge_job (run_after);
create index knowledge_job_document on knowledge_job (document_id);

-- Conversations (okchat's sessions), found again by the caller's `sessionToken`
-- (`sns_user_id`). `metadata` is an object (`anonymous`, and `lead` once captured).
-- Lists and the export's cursor order sessions by (`created_at`, `id`): `collate "C"` compares
-- them byte by byte as SQLite does, whatever the database's locale, and lets the index serve it.
create table chat_session (
    id              text collate "C" primary key,
    chatbot_id      text not null references chatbot (id) on delete cascade,
    organization_id text not null references organization (id) on delete cascade,
    platform        text not null,
    sns_user_id     text,
    user_id         text,
    is_human_mode   boolean not null default false,
    state           text not null default 'in_progress',
    metadata        jsonb not null default '{}',
    -- Messages stored so far: the next message's `seq` is one more.
    message_count   bigint not null default 0,
    created_at      text collate "C" not null,
    updated_at      text not null
);
create unique index chat_session_caller on chat_session (chatbot_id, sns_user_id)
    where sns_user_id is not null;
create index chat_session_newest on chat_session (chatbot_id, created_at, id);

-- `seq` orders a session's messages (timestamps can tie within a microsecond).
create table chat_message (
    id           text primary key,
    -- The collation of the key it references, so that the two compare without a conflict.
    session_id   text collate "C" not null references chat_session (id) on delete cascade,
    seq          bigint not null,
    sender_type  text not null,
    content      text not null,
    attachments  jsonb,
    metadata     jsonb not null default '{}',
    model        text,
    provider     text,
    tool_calls   jsonb,
    tool_results jsonb,
    tokens_used  bigint not null default 0,
    created_at   text not null,
    unique (session_id, seq)
);
