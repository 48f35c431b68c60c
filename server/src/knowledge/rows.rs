//! The knowledge tables' rows as both engines read and write them: the same columns, types and
//! encodings on SQLite and PostgreSQL (headings as a JSON array, embeddings as little-endian
//! `f32`s), turned into the store's records here once.

use okchat::{DocumentSource, DocumentStatus};

use super::store::{ChunkHit, DocumentRecord};
use crate::store::{StoreError, StoreResult};

/// A `knowledge_document` row as the engines' `select_document!` queries read it.
pub(crate) struct DocumentRow {
    pub id: String,
    pub chatbot_id: String,
    pub organization_id: String,
    pub title: String,
    pub file_name: String,
    pub format: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub source: String,
    pub source_url: Option<String>,
    pub file_key: Option<String>,
    pub status: String,
    pub error: Option<String>,
    pub chunk_count: i64,
    pub generation: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn status(text: &str) -> StoreResult<DocumentStatus> {
    match text {
        "processing" => Ok(DocumentStatus::Processing),
        "ready" => Ok(DocumentStatus::Ready),
        "failed" => Ok(DocumentStatus::Failed),
        other => Err(StoreError::Corrupt(format!(
            "knowledge_document.status: {other:?}"
        ))),
    }
}

impl TryFrom<DocumentRow> for DocumentRecord {
    type Error = StoreError;

    fn try_from(row: DocumentRow) -> StoreResult<Self> {
        Ok(DocumentRecord {
            status: status(&row.status)?,
            source: DocumentSource::parse(&row.source).ok_or_else(|| {
                StoreError::Corrupt(format!("knowledge_document.source: {:?}", row.source))
            })?,
            id: row.id,
            chatbot_id: row.chatbot_id,
            organization_id: row.organization_id,
            title: row.title,
            file_name: row.file_name,
            format: row.format,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            source_url: row.source_url,
            file_key: row.file_key,
            error: row.error,
            chunk_count: row.chunk_count,
            generation: row.generation,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A search hit's chunk, as both engines' queries read it.
pub(crate) struct HitRow {
    pub id: i64,
    pub document_id: String,
    pub title: String,
    pub idx: i64,
    pub headings: String,
    pub body: String,
}

impl TryFrom<HitRow> for ChunkHit {
    type Error = StoreError;

    fn try_from(row: HitRow) -> StoreResult<Self> {
        Ok(ChunkHit {
            chunk_id: row.id,
            document_id: row.document_id,
            title: row.title,
            index: row.idx,
            headings: parse_headings(&row.headings)?,
            body: row.body,
        })
    }
}

pub(crate) fn headings_json(headings: &[String]) -> String {
    serde_json::to_string(headings).expect("strings always serialize")
}

pub(crate) fn parse_headings(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("knowledge_chunk.headings: {e}")))
}

pub(crate) fn embedding_bytes(embedding: &[f32]) -> Vec<u8> {
    embedding.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub(crate) fn parse_embedding(bytes: &[u8]) -> StoreResult<Vec<f32>> {
    if !bytes.len().is_multiple_of(4) {
        return Err(StoreError::Corrupt(
            "knowledge_chunk.embedding length".into(),
        ));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeddings_survive_the_byte_round_trip() {
        let v = vec![0.25_f32, -1.5, 3.0e-7];
        assert_eq!(parse_embedding(&embedding_bytes(&v)).unwrap(), v);
        assert!(parse_embedding(&[0, 1, 2]).is_err());
    }
}
