//! `chatdeck_bm25`, an FTS5 ranking function: Okapi BM25 with the column weights of the
//! knowledge index and inverse document frequencies the caller supplies.
//!
//! Why not FTS5's own `bm25()`: it computes each phrase's IDF by walking the phrase's whole
//! doclist, every row of the table holding it, once per query. Every query here names the
//! chatbot's scope token (a phrase in all of that bot's chunks) and often words found in most of
//! them, so on a knowledge base of 160,000 chunks each ranked query spent 10–26 ms computing
//! IDFs, whatever few rows it then ranked. The store already counts each word's matches in the
//! chatbot's chunks (bounded), which gives IDFs per chatbot, closer to BM25's intent than the
//! whole table's, at no extra cost; this function only reads the matched rows' own positions.
//!
//! Called as `chatdeck_bm25(knowledge_chunk_fts, ?idfs)`, where `?idfs` is a blob of
//! little-endian `f64`, one per phrase of the query in order (see [`idf_blob`]); a phrase
//! without one weighs nothing. Higher is better (FTS5's `bm25()` returns the negation).
//!
//! SQLite offers ranking functions only through its C API (no crate wraps FTS5's), hence the
//! `unsafe` below; it is kept to reading what SQLite hands over, and nothing in it can panic.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_void, CStr};
use std::ptr::{self, NonNull};

use crate::knowledge::search::bm25::{B, K1};
use libsqlite3_sys::{
    fts5_api, sqlite3, sqlite3_bind_pointer, sqlite3_context, sqlite3_finalize, sqlite3_prepare_v2,
    sqlite3_result_double, sqlite3_result_error_code, sqlite3_step, sqlite3_value,
    sqlite3_value_blob, sqlite3_value_bytes, Fts5Context, Fts5ExtensionApi, SQLITE_OK,
};

/// The function's name in SQL.
pub const NAME: &str = "chatdeck_bm25";
const NAME_C: &CStr = c"chatdeck_bm25";

/// Weights of the index's columns, in order (scope, title, headings, body): a query word in a
/// title counts three times one in the text, in a heading one and a half; the scope token, in
/// every chunk of the bot, not at all.
const COLUMN_WEIGHTS: [f64; 4] = [0.0, 3.0, 1.5, 1.0];
/// The `?idfs` argument: `idfs` (one per phrase) as little-endian `f64`s.
pub fn idf_blob(idfs: &[f64]) -> Vec<u8> {
    idfs.iter().flat_map(|idf| idf.to_le_bytes()).collect()
}

/// Registers the function on `db`, a connection just opened.
///
/// # Safety
/// `db` must be an open connection used by no other thread during the call.
pub unsafe fn register(db: NonNull<sqlite3>) -> Result<(), String> {
    let api = fts5_api_of(db.as_ptr())?;
    let create = (*api)
        .xCreateFunction
        .ok_or("FTS5 offers no xCreateFunction")?;
    let rc = create(
        api,
        NAME_C.as_ptr(),
        ptr::null_mut(),
        Some(weighted_bm25),
        None,
    );
    if rc == SQLITE_OK {
        Ok(())
    } else {
        Err(format!("registering {NAME} failed: SQLite code {rc}"))
    }
}

/// FTS5's API table, which SQLite hands out only through `SELECT fts5(?1)` with a pointer bound.
unsafe fn fts5_api_of(db: *mut sqlite3) -> Result<*mut fts5_api, String> {
    let mut api: *mut fts5_api = ptr::null_mut();
    let mut statement = ptr::null_mut();
    let rc = sqlite3_prepare_v2(
        db,
        c"select fts5(?1)".as_ptr(),
        -1,
        &mut statement,
        ptr::null_mut(),
    );
    if rc != SQLITE_OK {
        return Err(format!("this SQLite has no FTS5 (code {rc})"));
    }
    sqlite3_bind_pointer(
        statement,
        1,
        (&raw mut api).cast::<c_void>(),
        c"fts5_api_ptr".as_ptr(),
        None,
    );
    sqlite3_step(statement);
    sqlite3_finalize(statement);
    if api.is_null() {
        Err("FTS5 returned no API".into())
    } else {
        Ok(api)
    }
}

/// The per-row callback: BM25 of the current row over the query's phrases.
unsafe extern "C" fn weighted_bm25(
    api: *const Fts5ExtensionApi,
    fts: *mut Fts5Context,
    context: *mut sqlite3_context,
    argument_count: c_int,
    arguments: *mut *mut sqlite3_value,
) {
    match score(&*api, fts, argument_count, arguments) {
        Ok(score) => sqlite3_result_double(context, score),
        Err(rc) => sqlite3_result_error_code(context, rc),
    }
}

unsafe fn score(
    api: &Fts5ExtensionApi,
    fts: *mut Fts5Context,
    argument_count: c_int,
    arguments: *mut *mut sqlite3_value,
) -> Result<f64, c_int> {
    let (
        Some(phrase_count),
        Some(inst_count),
        Some(inst),
        Some(column_size),
        Some(total_size),
        Some(row_count),
    ) = (
        api.xPhraseCount,
        api.xInstCount,
        api.xInst,
        api.xColumnSize,
        api.xColumnTotalSize,
        api.xRowCount,
    )
    else {
        return Err(libsqlite3_sys::SQLITE_MISUSE);
    };
    let idfs = if argument_count >= 1 {
        idfs_of(*arguments)
    } else {
        Vec::new()
    };
    let phrases = usize::try_from(phrase_count(fts)).unwrap_or(0);

    // Weighted occurrences of each phrase in this row.
    let mut frequency = vec![0.0; phrases];
    let mut instances = 0;
    check(inst_count(fts, &mut instances))?;
    for i in 0..instances {
        let (mut phrase, mut column, mut offset) = (0, 0, 0);
        check(inst(fts, i, &mut phrase, &mut column, &mut offset))?;
        let weight = usize::try_from(column)
            .ok()
            .and_then(|c| COLUMN_WEIGHTS.get(c))
            .copied()
            .unwrap_or(0.0);
        if let Some(f) = usize::try_from(phrase)
            .ok()
            .and_then(|p| frequency.get_mut(p))
        {
            *f += weight;
        }
    }

    // Length normalisation: this row's tokens against the table's average.
    let (mut length, mut total, mut rows) = (0, 0, 0);
    check(column_size(fts, -1, &mut length))?;
    check(total_size(fts, -1, &mut total))?;
    check(row_count(fts, &mut rows))?;
    let average = if rows > 0 {
        total as f64 / rows as f64
    } else {
        1.0
    };
    let norm = K1 * (1.0 - B + B * f64::from(length) / average.max(1.0));

    Ok(frequency
        .iter()
        .zip(idfs.iter().chain(std::iter::repeat(&0.0)))
        .map(|(f, idf)| idf * f * (K1 + 1.0) / (f + norm))
        .sum())
}

fn check(rc: c_int) -> Result<(), c_int> {
    if rc == SQLITE_OK {
        Ok(())
    } else {
        Err(rc)
    }
}

/// The IDFs in a `?idfs` blob (none when the value is not a blob of whole `f64`s).
unsafe fn idfs_of(value: *mut sqlite3_value) -> Vec<f64> {
    let bytes = sqlite3_value_blob(value).cast::<u8>();
    let len = usize::try_from(sqlite3_value_bytes(value)).unwrap_or(0);
    if bytes.is_null() || len % 8 != 0 {
        return Vec::new();
    }
    std::slice::from_raw_parts(bytes, len)
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blob_holds_each_idf_in_order() {
        let blob = idf_blob(&[0.0, 1.5, 4.25]);
        assert_eq!(blob.len(), 24);
        assert_eq!(f64::from_le_bytes(blob[8..16].try_into().unwrap()), 1.5);
        assert_eq!(f64::from_le_bytes(blob[16..24].try_into().unwrap()), 4.25);
    }
}
