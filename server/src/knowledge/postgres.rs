//! `KnowledgeStore` on PostgreSQL: a `tsvector` per chunk (kept by a trigger, in the migration's
//! `knowledge_text` configuration) under one GIN index with the chatbot's id, BM25 computed in
//! SQL from `ts_rank_cd`, and row locks wherever SQLite relies on its single writer.
//!
//! Retrieval follows the SQLite engine step for step (see `search_chunks`), so both hand the
//! service the same kind of candidates in the same kind of order. Neither engine's raw score
//! leaves the store: the 0–1 similarity is computed by `search` from which of the question's
//! words each candidate holds, identically for both, so one threshold means the same on both.
//! The engine's ranking decides which candidates reach that scoring (the best `limit`) and the
//! order among chunks of equal similarity, which is why it is BM25 here as there.

use std::collections::HashSet;

use async_trait::async_trait;

use super::rows::{
    embedding_bytes, headings_json, parse_embedding, parse_headings, DocumentRow, HitRow,
};
use super::search::bm25::{idf, B, K1};
use super::store::{
    ChunkHit, ChunkRecord, ChunkVector, ClaimedJob, DocumentFilter, DocumentRecord, KnowledgeStore,
    NewChunk, Outcome, Replacement,
};
use crate::store::postgres::PgStore;
use crate::store::StoreResult;

macro_rules! select_document {
    ($where:literal, $($arg:expr),*) => {
        sqlx::query_as!(
            DocumentRow,
            r#"select id, chatbot_id, organization_id, title, file_name, format, content_type,
                      size_bytes, source, source_url, file_key, status, error, chunk_count,
                      generation, created_at, updated_at
               from knowledge_document where "# + $where,
            $($arg),*
        )
    };
}

/// How a full-text query joins the question's words.
#[derive(Clone, Copy)]
enum Words {
    All,
    Any,
}

/// One word as a `to_tsquery` operand: quoted, so that no word reads as an operator, and
/// normalised by the `knowledge_text` configuration as the chunks' words are. A word the parser
/// splits in two becomes a phrase of both, as a quoted FTS5 string does.
fn quoted(term: &str) -> String {
    format!("'{}'", term.replace('\\', "\\\\").replace('\'', "''"))
}

/// A `to_tsquery` input holding all (or any) of the words: the SQLite engine's MATCH expression
/// without its scope, which is a column here.
fn ts_query<'a>(terms: impl IntoIterator<Item = &'a String>, join: Words) -> String {
    let operands: Vec<String> = terms.into_iter().map(|term| quoted(term)).collect();
    operands.join(match join {
        Words::All => " & ",
        Words::Any => " | ",
    })
}

/// The most chunks one full-text query ranks, as on SQLite: scoring reads every row it ranks,
/// so a question made of words found in most of a big knowledge base would otherwise cost time
/// in proportion to its size; `search_chunks` stays within this many rows per query.
const RANKED_AT_MOST: i64 = 2_000;

/// What BM25 needs to know of the chatbot's chunks: how many there are and their average length
/// in words.
struct Corpus {
    chunks: i64,
    average_length: f64,
}

/// The best `limit` chunks by BM25 among those `query` matches, or among `RANKED_AT_MOST` of its
/// matches (the first the index hands over) when it matches more. `words` are the question's
/// words the query names, `idfs` their IDFs in the same order.
///
/// BM25 weighs a word by its occurrences, each counted as its column's weight (title 3,
/// headings 1.5, body 1, as on SQLite). `ts_rank_cd` of a one-word query is exactly that sum:
/// each occurrence is a cover of one position, worth its weight from the array
/// `{D, C, B, A}`. PostgreSQL caps those weights at 1, so the array holds them divided by 5 and
/// the sum is multiplied back. Chunk length is the chunk's word count (`token_count`) against
/// the chatbot's average.
async fn rank_within_bound(
    connection: &mut sqlx::PgConnection,
    chatbot_id: &str,
    query: &str,
    words: &[&String],
    idfs: &[f64],
    corpus: &Corpus,
    limit: i64,
) -> StoreResult<Vec<ChunkHit>> {
    let operands: Vec<String> = words.iter().map(|word| quoted(word)).collect();
    // The words' queries are made once (`materialized`), not once per row; scoring carries
    // each match's id, words and length only, and the text is fetched for the chosen rows.
    let rows = sqlx::query_as!(
        HitRow,
        r#"with words as materialized (
               select to_tsquery('knowledge_text', w.operand) as query, w.idf
               from unnest($4::text[], $5::float8[]) as w(operand, idf)
           ), matched as (
               select c.id, c.search, c.token_count from knowledge_chunk c
               where c.chatbot_id = $1 and c.search @@ to_tsquery('knowledge_text', $2)
               limit $3
           ), ranked as (
               select m.id,
                      sum(w.idf * f.weighted * ($7::float8 + 1)
                          / (f.weighted + $7::float8 * (1 - $8::float8
                                                        + $8::float8 * m.token_count / $6::float8)))
                          as score
               from matched m
               cross join words w
               cross join lateral (
                   select 5 * ts_rank_cd('{0, 0.2, 0.3, 0.6}', m.search, w.query) as weighted
               ) f
               group by m.id
               order by score desc, m.id
               limit $9
           )
           select c.id as "id!", c.document_id as "document_id!", c.title as "title!",
                  c.idx as "idx!", c.headings as "headings!", c.body as "body!"
           from ranked r join knowledge_chunk c on c.id = r.id
           order by r.score desc, c.id"#,
        chatbot_id,
        query,
        RANKED_AT_MOST,
        &operands[..],
        idfs,
        corpus.average_length,
        K1,
        B,
        limit
    )
    .fetch_all(connection)
    .await?;
    rows.into_iter().map(ChunkHit::try_from).collect()
}

/// How many chunks one insert statement writes.
const CHUNKS_PER_INSERT: usize = 1_000;

/// Writes `chunks` as the document's, numbered from 1, each under `title`. Answers how many
/// words they hold in all (the trigger counts each chunk's).
async fn insert_chunks(
    connection: &mut sqlx::PgConnection,
    job: &ClaimedJob,
    title: &str,
    chunks: &[NewChunk],
) -> StoreResult<i64> {
    let mut words = 0;
    for (batch, rows) in chunks.chunks(CHUNKS_PER_INSERT).enumerate() {
        let before = batch * CHUNKS_PER_INSERT;
        let indexes: Vec<i64> = (0..rows.len())
            .map(|position| i64::try_from(before + position + 1).unwrap_or(i64::MAX))
            .collect();
        let headings: Vec<String> = rows.iter().map(|c| headings_json(&c.headings)).collect();
        let bodies: Vec<String> = rows.iter().map(|c| c.body.clone()).collect();
        let embeddings: Vec<Option<Vec<u8>>> = rows
            .iter()
            .map(|c| c.embedding.as_deref().map(embedding_bytes))
            .collect();
        words += sqlx::query_scalar!(
            r#"with inserted as (
                   insert into knowledge_chunk
                       (document_id, chatbot_id, idx, title, headings, body, embedding)
                   select $1, $2, c.idx, $3, c.headings, c.body, c.embedding
                   from unnest($4::bigint[], $5::text[], $6::text[], $7::bytea[])
                        as c(idx, headings, body, embedding)
                   returning token_count
               )
               select coalesce(sum(token_count), 0)::bigint as "words!" from inserted"#,
            job.document.id,
            job.document.chatbot_id,
            title,
            &indexes[..],
            &headings[..],
            &bodies[..],
            &embeddings[..] as &[Option<Vec<u8>>]
        )
        .fetch_one(&mut *connection)
        .await?;
    }
    Ok(words)
}

#[async_trait]
impl KnowledgeStore for PgStore {
    async fn insert_documents(
        &self,
        documents: &[(DocumentRecord, String)],
        now: &str,
    ) -> StoreResult<()> {
        let text = |value: fn(&DocumentRecord) -> String| -> Vec<String> {
            documents.iter().map(|(d, _)| value(d)).collect()
        };
        let optional = |value: fn(&DocumentRecord) -> Option<String>| -> Vec<Option<String>> {
            documents.iter().map(|(d, _)| value(d)).collect()
        };
        let number = |value: fn(&DocumentRecord) -> i64| -> Vec<i64> {
            documents.iter().map(|(d, _)| value(d)).collect()
        };
        let ids = text(|d| d.id.clone());
        let chatbot_ids = text(|d| d.chatbot_id.clone());
        let organization_ids = text(|d| d.organization_id.clone());
        let titles = text(|d| d.title.clone());
        let file_names = text(|d| d.file_name.clone());
        let formats = text(|d| d.format.clone());
        let content_types = text(|d| d.content_type.clone());
        let sizes = number(|d| d.size_bytes);
        let sources = text(|d| d.source.as_str().to_owned());
        let source_urls = optional(|d| d.source_url.clone());
        let file_keys = optional(|d| d.file_key.clone());
        let statuses = text(|d| d.status.as_str().to_owned());
        let errors = optional(|d| d.error.clone());
        let chunk_counts = number(|d| d.chunk_count);
        let generations = number(|d| d.generation);
        let created = text(|d| d.created_at.clone());
        let updated = text(|d| d.updated_at.clone());
        let job_ids: Vec<String> = documents.iter().map(|(_, job)| job.clone()).collect();
        // One statement per table, every row's values in column arrays.
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "insert into knowledge_document (id, chatbot_id, organization_id, title, file_name,
                 format, content_type, size_bytes, source, source_url, file_key, status, error,
                 chunk_count, generation, created_at, updated_at)
             select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                 $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[],
                 $12::text[], $13::text[], $14::bigint[], $15::bigint[], $16::text[], $17::text[])",
            &ids[..],
            &chatbot_ids[..],
            &organization_ids[..],
            &titles[..],
            &file_names[..],
            &formats[..],
            &content_types[..],
            &sizes[..],
            &sources[..],
            &source_urls[..] as &[Option<String>],
            &file_keys[..] as &[Option<String>],
            &statuses[..],
            &errors[..] as &[Option<String>],
            &chunk_counts[..],
            &generations[..],
            &created[..],
            &updated[..]
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "insert into knowledge_job (id, document_id, generation, run_after, created_at)
             select job.id, job.document_id, job.generation, $4, $4
             from unnest($1::text[], $2::text[], $3::bigint[]) as job(id, document_id, generation)",
            &job_ids[..],
            &ids[..],
            &generations[..],
            now
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_documents(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        filter: &DocumentFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<DocumentRecord>, u64)> {
        // `strpos(lower(…))` rather than LIKE: no wildcard in a title filter needs escaping.
        let title = filter.title.as_deref().map(str::to_lowercase);
        let total = sqlx::query_scalar!(
            r#"select count(*) as "total!" from knowledge_document
               where organization_id = $1 and chatbot_id = $2
                 and ($3::text is null or strpos(lower(title), $3) > 0)
                 and ($4::text is null or id = $4)"#,
            organization_id,
            chatbot_id,
            title,
            filter.id
        )
        .fetch_one(&self.pool)
        .await?;
        let rows = select_document!(
            "organization_id = $1 and chatbot_id = $2
               and ($3::text is null or strpos(lower(title), $3) > 0)
               and ($4::text is null or id = $4)
             order by created_at desc, id limit $5 offset $6",
            organization_id,
            chatbot_id,
            title,
            filter.id,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        let documents = rows
            .into_iter()
            .map(DocumentRecord::try_from)
            .collect::<StoreResult<_>>()?;
        Ok((documents, u64::try_from(total).unwrap_or(0)))
    }

    async fn get_document(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
    ) -> StoreResult<Option<DocumentRecord>> {
        select_document!(
            "organization_id = $1 and chatbot_id = $2 and id = $3",
            organization_id,
            chatbot_id,
            id
        )
        .fetch_optional(&self.pool)
        .await?
        .map(DocumentRecord::try_from)
        .transpose()
    }

    async fn rename_document(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
        title: &str,
        now: &str,
    ) -> StoreResult<Option<DocumentRecord>> {
        let mut tx = self.pool.begin().await?;
        // The document's row lock, held to the commit, keeps a job from completing in between:
        // its chunks are either all renamed here or written afterwards under the new title.
        let renamed = sqlx::query!(
            "update knowledge_document set title = $1, updated_at = $2
             where organization_id = $3 and chatbot_id = $4 and id = $5",
            title,
            now,
            organization_id,
            chatbot_id,
            id
        )
        .execute(&mut *tx)
        .await?;
        if renamed.rows_affected() == 0 {
            return Ok(None);
        }
        // The trigger re-indexes each renamed chunk, whose word count changes with the title.
        sqlx::query!(
            "update knowledge_chunk set title = $1 where document_id = $2 and title <> $1",
            title,
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "update knowledge_document
             set token_count = (select coalesce(sum(token_count), 0) from knowledge_chunk
                                where document_id = $1)
             where id = $1",
            id
        )
        .execute(&mut *tx)
        .await?;
        let row = select_document!("id = $1", id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(row.try_into()?))
    }

    async fn replace_document(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
        r: &Replacement,
        now: &str,
    ) -> StoreResult<Option<(DocumentRecord, Option<String>)>> {
        let mut tx = self.pool.begin().await?;
        // Locked, so that two replacements take turns: each bumps the generation the other
        // left, and each answers the file key the other replaced.
        let Some(old) = sqlx::query!(
            "select generation, file_key from knowledge_document
             where organization_id = $1 and chatbot_id = $2 and id = $3
             for update",
            organization_id,
            chatbot_id,
            id
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let generation = old.generation + 1;
        sqlx::query!(
            "update knowledge_document set file_name = $1, format = $2, content_type = $3,
                 size_bytes = $4, file_key = $5, status = 'processing', error = null,
                 generation = $6, updated_at = $7
             where id = $8",
            r.file_name,
            r.format,
            r.content_type,
            r.size_bytes,
            r.file_key,
            generation,
            now,
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("delete from knowledge_job where document_id = $1", id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "insert into knowledge_job (id, document_id, generation, run_after, created_at)
             values ($1, $2, $3, $4, $4)",
            r.job_id,
            id,
            generation,
            now
        )
        .execute(&mut *tx)
        .await?;
        let row = select_document!("id = $1", id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some((row.try_into()?, old.file_key)))
    }

    async fn delete_document(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
    ) -> StoreResult<Option<Option<String>>> {
        // Chunks and jobs go with it (`on delete cascade`), in this one statement.
        let deleted = sqlx::query_scalar!(
            "delete from knowledge_document
             where organization_id = $1 and chatbot_id = $2 and id = $3
             returning file_key",
            organization_id,
            chatbot_id,
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(deleted)
    }

    async fn list_chunks(
        &self,
        document_id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<ChunkRecord>, u64)> {
        let total = sqlx::query_scalar!(
            r#"select count(*) as "total!" from knowledge_chunk where document_id = $1"#,
            document_id
        )
        .fetch_one(&self.pool)
        .await?;
        let rows = sqlx::query!(
            "select idx, headings, body from knowledge_chunk where document_id = $1
             order by idx limit $2 offset $3",
            document_id,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        let chunks = rows
            .into_iter()
            .map(|row| {
                Ok(ChunkRecord {
                    index: row.idx,
                    headings: parse_headings(&row.headings)?,
                    body: row.body,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok((chunks, u64::try_from(total).unwrap_or(0)))
    }

    /// The SQLite engine's steps, with its bound: chunks holding every word come first, then
    /// chunks holding the rarer words; each query ranks at most [`RANKED_AT_MOST`] rows.
    ///
    /// 1. Each word's matches in the chatbot's chunks are counted, up to `RANKED_AT_MOST + 1`
    ///    (the index's entries, no scoring). Words within the bound are *rare*.
    /// 2. The chunks holding every word are ranked by BM25.
    /// 3. If that leaves room, the chunks holding any of the rarest words (as many as fit in
    ///    the bound together; at least the rarest) are ranked and follow; if no word is rare,
    ///    the chunks holding any word.
    ///
    /// IDFs come from the counts of step 1 against the chatbot's chunk count, as on SQLite.
    async fn search_chunks(
        &self,
        chatbot_id: &str,
        terms: &[String],
        limit: i64,
    ) -> StoreResult<Vec<ChunkHit>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // One snapshot for every step, as SQLite's read transaction gives.
        let mut tx = self
            .pool
            .begin_with("begin isolation level repeatable read, read only")
            .await?;
        let totals = sqlx::query!(
            r#"select coalesce(sum(chunk_count), 0)::bigint as "chunks!",
                      coalesce(sum(token_count), 0)::bigint as "words!"
               from knowledge_document where chatbot_id = $1"#,
            chatbot_id
        )
        .fetch_one(&mut *tx)
        .await?;
        let corpus = Corpus {
            chunks: totals.chunks,
            average_length: if totals.chunks > 0 {
                (totals.words as f64 / totals.chunks as f64).max(1.0)
            } else {
                1.0
            },
        };
        let operands: Vec<String> = terms.iter().map(|term| quoted(term)).collect();
        let counts = sqlx::query_scalar!(
            r#"select (select count(*) from (
                           select from knowledge_chunk c
                           where c.chatbot_id = $1
                             and c.search @@ to_tsquery('knowledge_text', w.operand)
                           limit $3) m) as "matches!"
               from unnest($2::text[]) with ordinality as w(operand, position)
               order by w.position"#,
            chatbot_id,
            &operands[..],
            RANKED_AT_MOST + 1
        )
        .fetch_all(&mut *tx)
        .await?;
        let counted: Vec<(&String, i64)> = terms.iter().zip(counts).collect();
        let idfs = |words: &[&String]| -> Vec<f64> {
            words
                .iter()
                .map(|word| {
                    let n = counted
                        .iter()
                        .find(|(t, _)| t == word)
                        .map_or(0, |(_, n)| *n);
                    idf(n, corpus.chunks)
                })
                .collect()
        };
        let mut hits = Vec::new();
        if counted.iter().all(|(_, n)| *n > 0) {
            let words: Vec<&String> = terms.iter().collect();
            hits = rank_within_bound(
                &mut tx,
                chatbot_id,
                &ts_query(terms, Words::All),
                &words,
                &idfs(&words),
                &corpus,
                limit,
            )
            .await?;
        }
        let room = usize::try_from(limit)
            .unwrap_or(0)
            .saturating_sub(hits.len());
        if room > 0 && terms.len() > 1 {
            let mut by_rarity = counted.clone();
            by_rarity.sort_by_key(|(_, n)| *n);
            let mut rarest = Vec::new();
            let mut matches = 0;
            for (term, n) in by_rarity.iter().filter(|(_, n)| *n <= RANKED_AT_MOST) {
                if !rarest.is_empty() && matches + n > RANKED_AT_MOST {
                    break;
                }
                matches += n;
                rarest.push(*term);
            }
            let words: Vec<&String> = if rarest.is_empty() {
                terms.iter().collect()
            } else {
                rarest
            };
            let seen: HashSet<i64> = hits.iter().map(|h| h.chunk_id).collect();
            let more = rank_within_bound(
                &mut tx,
                chatbot_id,
                &ts_query(words.iter().copied(), Words::Any),
                &words,
                &idfs(&words),
                &corpus,
                limit,
            )
            .await?;
            hits.extend(
                more.into_iter()
                    .filter(|h| !seen.contains(&h.chunk_id))
                    .take(room),
            );
        }
        tx.commit().await?;
        Ok(hits)
    }

    async fn chunks_by_id(&self, chatbot_id: &str, ids: &[i64]) -> StoreResult<Vec<ChunkHit>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query_as!(
            HitRow,
            "select id, document_id, title, idx, headings, body from knowledge_chunk
             where chatbot_id = $1 and id = any($2)",
            chatbot_id,
            ids
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ChunkHit::try_from).collect()
    }

    async fn chunk_vectors(&self, chatbot_id: &str) -> StoreResult<Vec<ChunkVector>> {
        let rows = sqlx::query!(
            r#"select id, embedding as "embedding!" from knowledge_chunk
               where chatbot_id = $1 and embedding is not null"#,
            chatbot_id
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(ChunkVector {
                    chunk_id: row.id,
                    embedding: parse_embedding(&row.embedding)?,
                })
            })
            .collect()
    }

    async fn claim_job(
        &self,
        worker: &str,
        now: &str,
        until: &str,
    ) -> StoreResult<Option<ClaimedJob>> {
        // One statement: the pick locks its row, and a job another instance is claiming at the
        // same moment is skipped rather than waited for, so two never take the same one. A row
        // claimed and committed meanwhile is re-checked against the lease and passed over.
        let Some(job) = sqlx::query!(
            r#"update knowledge_job
               set claimed_by = $1, claimed_until = $3, attempts = attempts + 1
               where id = (select id from knowledge_job
                           where run_after <= $2 and (claimed_until is null or claimed_until < $2)
                           order by created_at, id
                           limit 1
                           for update skip locked)
               returning id as "id!", document_id as "document_id!",
                         generation as "generation!", attempts as "attempts!""#,
            worker,
            now,
            until
        )
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let document = select_document!("id = $1", job.document_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(Some(ClaimedJob {
            job_id: job.id,
            document: document.try_into()?,
            generation: job.generation,
            attempts: job.attempts,
        }))
    }

    async fn renew_job(&self, job_id: &str, worker: &str, until: &str) -> StoreResult<bool> {
        let renewed = sqlx::query!(
            "update knowledge_job set claimed_until = $1 where id = $2 and claimed_by = $3",
            until,
            job_id,
            worker
        )
        .execute(&self.pool)
        .await?;
        Ok(renewed.rows_affected() > 0)
    }

    async fn release_job(&self, job_id: &str, worker: &str, run_after: &str) -> StoreResult<()> {
        sqlx::query!(
            "update knowledge_job set claimed_by = null, claimed_until = null, run_after = $1
             where id = $2 and claimed_by = $3",
            run_after,
            job_id,
            worker
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn complete_job(
        &self,
        job: &ClaimedJob,
        worker: &str,
        outcome: &Outcome,
        now: &str,
    ) -> StoreResult<bool> {
        let document_id = &job.document.id;
        let mut tx = self.pool.begin().await?;
        // The document first, then the job: the order in which replacing and deleting a
        // document lock them, so none of these waits for another that waits for it. Held to
        // the commit, the locks keep the generation and the claim as checked here.
        let Some(document) = sqlx::query!(
            "select generation, title, source_url from knowledge_document where id = $1
             for update",
            document_id
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        if document.generation != job.generation {
            return Ok(false);
        }
        let held = sqlx::query_scalar!(
            r#"select true as "held!" from knowledge_job
               where id = $1 and claimed_by = $2 and document_id = $3
               for update"#,
            job.job_id,
            worker,
            document_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        if held.is_none() {
            return Ok(false);
        }
        sqlx::query!(
            "delete from knowledge_chunk where document_id = $1",
            document_id
        )
        .execute(&mut *tx)
        .await?;
        match outcome {
            Outcome::Ready {
                chunks,
                title,
                file,
            } => {
                // A page's own title replaces its placeholder (the address), never a name its
                // owner gave it meanwhile (the lock above makes "meanwhile" exact).
                let title = match title {
                    Some(page_title)
                        if document.title == document.source_url.as_deref().unwrap_or("") =>
                    {
                        page_title.clone()
                    }
                    _ => document.title,
                };
                let words = insert_chunks(&mut tx, job, &title, chunks).await?;
                let count = i64::try_from(chunks.len()).unwrap_or(i64::MAX);
                sqlx::query!(
                    "update knowledge_document
                     set status = 'ready', error = null, chunk_count = $1, token_count = $2,
                         updated_at = $3, title = $4, file_key = coalesce($5, file_key),
                         format = coalesce($6, format),
                         content_type = coalesce($7, content_type),
                         size_bytes = coalesce($8, size_bytes)
                     where id = $9",
                    count,
                    words,
                    now,
                    title,
                    file.as_ref().map(|f| &f.file_key),
                    file.as_ref().map(|f| &f.format),
                    file.as_ref().map(|f| &f.content_type),
                    file.as_ref().map(|f| f.size_bytes),
                    document_id
                )
                .execute(&mut *tx)
                .await?;
            }
            Outcome::Failed { reason } => {
                sqlx::query!(
                    "update knowledge_document
                     set status = 'failed', error = $1, chunk_count = 0, token_count = 0,
                         updated_at = $2
                     where id = $3",
                    reason,
                    now,
                    document_id
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query!("delete from knowledge_job where id = $1", job.job_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn pending_jobs(&self) -> StoreResult<i64> {
        let n = sqlx::query_scalar!(r#"select count(*) as "pending!" from knowledge_job"#)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    async fn held_jobs(&self, now: &str) -> StoreResult<i64> {
        let n = sqlx::query_scalar!(
            r#"select count(*) as "held!" from knowledge_job
               where claimed_by is not null and claimed_until > $1"#,
            now
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_so_none_reads_as_an_operator() {
        let terms: Vec<String> = vec!["refund".into(), "or".into(), "it's".into(), "a\\b".into()];
        assert_eq!(
            ts_query(&terms, Words::Any),
            r"'refund' | 'or' | 'it''s' | 'a\\b'"
        );
        assert_eq!(ts_query(&terms[..2], Words::All), "'refund' & 'or'");
    }
}
