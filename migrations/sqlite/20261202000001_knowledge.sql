-- The knowledge base: documents, their chunks (searchable through FTS5), and the queue of
-- ingestion jobs.

-- `generation` counts content replacements: a job indexes one generation, so a job that was
-- overtaken by a newer upload (or by a delete) cannot write stale chunks.
create table knowledge_document (
    id              text primary key not null,
    chatbot_id      text not null references chatbot (id) on delete cascade,
    organization_id text not null references organization (id) on delete cascade,
    title           text not null,
    file_name       text not null,
    format          text not null,
    content_type    text not null,
    size_bytes      integer not null,
    source          text not null,
    source_url      text,
    -- Where the original is in the knowledge file store; null until a fetched page arrives.
    file_key        text,
    status          text not null,
    error           text,
    chunk_count     integer not null default 0,
    generation      integer not null default 1,
    created_at      text not null,
    updated_at      text not null
);
create index knowledge_document_chatbot on knowledge_document (chatbot_id, created_at);

-- `title` is the document's, copied so the full-text index (external content) can weigh it.
create table knowledge_chunk (
    id          integer primary key,
    document_id text not null references knowledge_document (id) on delete cascade,
    chatbot_id  text not null,
    idx         integer not null,
    title       text not null,
    headings    text not null,
    body        text not null,
    -- `scope` is the chatbot's token in the index (`c` + its id without dashes): every search
    -- intersects it, so a query reads only its own chatbot's posting lists.
    scope       text not null,
    embedding   blob,
    unique (document_id, idx)
);

-- Porter stemming over unicode61 (case and diacritics folded). External content: the text lives
-- once, in knowledge_chunk; the triggers keep the index in step (cascaded deletes fire them too).
create virtual table knowledge_chunk_fts using fts5 (
    scope,
    title,
    headings,
    body,
    content = 'knowledge_chunk',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

create trigger knowledge_chunk_indexed after insert on knowledge_chunk begin
    insert into knowledge_chunk_fts (rowid, scope, title, headings, body)
    values (new.id, new.scope, new.title, new.headings, new.body);
end;

create trigger knowledge_chunk_unindexed after delete on knowledge_chunk begin
    insert into knowledge_chunk_fts (knowledge_chunk_fts, rowid, scope, title, headings, body)
    values ('delete', old.id, old.scope, old.title, old.headings, old.body);
end;

create trigger knowledge_chunk_reindexed after update on knowledge_chunk begin
    insert into knowledge_chunk_fts (knowledge_chunk_fts, rowid, scope, title, headings, body)
    values ('delete', old.id, old.scope, old.title, old.headings, old.body);
    insert into knowledge_chunk_fts (rowid, scope, title, headings, body)
    values (new.id, new.scope, new.title, new.headings, new.body);
end;

-- One pending ingestion per document generation. A worker claims a job by writing its name and
-- a lease; a lease that runs out (the worker died) makes the job claimable again.
create table knowledge_job (
    id            text primary key not null,
    document_id   text not null references knowledge_document (id) on delete cascade,
    generation    integer not null,
    attempts      integer not null default 0,
    claimed_by    text,
    claimed_until text,
    run_after     text not null,
    created_at    text not null
);
create index knowledge_job_due on knowledge_job (run_after);
create index knowledge_job_document on knowledge_job (document_id);
