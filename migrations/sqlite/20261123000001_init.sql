-- Organizations own everything; an API key reaches exactly one organization.
create table organization (
    id          text primary key not null,
    name        text not null unique,
    created_at  text not null
);

-- Keys are stored only as a SHA-256 digest; `prefix` (first 8 hex chars) tells them apart in lists.
create table api_key (
    id              text primary key not null,
    organization_id text not null references organization (id) on delete cascade,
    prefix          text not null,
    digest          text not null unique,
    created_at      text not null,
    revoked_at      text
);
create index api_key_organization on api_key (organization_id);

-- JSON columns hold the nested okchat objects as the API shows them (personality_config,
-- settings, voice_widget_config). `revision` makes concurrent edits safe: an update applies only
-- to the revision it read, so no merge ever overwrites another one unseen.
create table chatbot (
    id                  text primary key not null,
    organization_id     text not null references organization (id) on delete cascade,
    name                text not null,
    slug                text not null,
    description         text not null,
    is_public           integer not null,
    active              integer not null,
    personality_config  text not null,
    settings            text not null,
    voice_widget_config text,
    language            text not null,
    openai_api_key      text,
    version_id          text,
    revision            integer not null,
    created_at          text not null,
    updated_at          text not null,
    unique (organization_id, slug)
);
create index chatbot_organization_created on chatbot (organization_id, created_at);

-- One row per successful change: the chatbot as the API showed it right after the change.
create table chatbot_version (
    id          text primary key not null,
    chatbot_id  text not null references chatbot (id) on delete cascade,
    snapshot    text not null,
    created_at  text not null
);
create index chatbot_version_chatbot on chatbot_version (chatbot_id, created_at);
