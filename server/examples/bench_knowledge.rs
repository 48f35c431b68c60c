//! The knowledge base's figures (`scripts/bench-knowledge.sh` runs this): ingestion throughput
//! for Markdown, plain text and PDF separately, and Query Knowledge latency over a corpus of
//! about 100,000 chunks beside the raw FTS5 query it makes, on the same database.
//!
//! It drives a release `chatdeck serve` (a child process on a fresh data directory) over HTTP:
//! ingestion is timed from the first upload to the last document ready; queries are sequential
//! (median and p95 of 1,000), after a warm-up. The raw query is the engine's candidate search
//! alone (FTS5 MATCH on the chatbot's scope with BM25 order and the same limit, rows joined to
//! their text), through sqlx on the same file.
//!
//! Run: `cargo run --release -p server --example bench_knowledge -- [CHUNKS]` (default 100000).

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use okchat::client::UploadFile;
use okchat::{Client, DocumentStatus, KnowledgeListQuery, QueryKnowledgeRequest};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Row};
use support::{ms, percentile, Rng};

const QUERIES: usize = 1_000;
/// Bytes per uploaded Markdown or text file.
const FILE_BYTES: usize = 16 * 1024 * 1024;

/// Made-up words (no stop word, no English stem clash), drawn with Zipf-like frequencies as in
/// real text: a few very common, most rare.
struct Vocabulary {
    words: Vec<String>,
}

impl Vocabulary {
    fn new(size: usize) -> Self {
        const CONSONANTS: &[u8] = b"bdfgklmnprstvz";
        const VOWELS: &[u8] = b"aeiou";
        let mut rng = Rng(0x5eed);
        let words = (0..size)
            .map(|_| {
                let syllables = 2 + rng.below(3);
                (0..syllables)
                    .flat_map(|_| {
                        [
                            CONSONANTS[rng.below(CONSONANTS.len())] as char,
                            VOWELS[rng.below(VOWELS.len())] as char,
                        ]
                    })
                    .collect()
            })
            .collect();
        Self { words }
    }

    fn pick(&self, rng: &mut Rng) -> &str {
        // Inverse transform of a 1/rank law, approximately: rank = size^u.
        let u = (rng.next() % 1_000_000) as f64 / 1_000_000.0;
        let rank = (self.words.len() as f64).powf(u) as usize;
        &self.words[rank.saturating_sub(1).min(self.words.len() - 1)]
    }

    fn sentence(&self, rng: &mut Rng) -> String {
        let n = 8 + rng.below(10);
        let mut s: Vec<&str> = (0..n).map(|_| self.pick(rng)).collect();
        let first = s[0].to_owned();
        let capital = first[..1].to_uppercase() + &first[1..];
        s[0] = &capital;
        format!("{}.", s.join(" "))
    }
}

fn markdown(vocabulary: &Vocabulary, rng: &mut Rng, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    let mut section = 0;
    while out.len() < bytes {
        section += 1;
        if section % 10 == 1 {
            out.push_str(&format!("# Chapter {}\n\n", section / 10 + 1));
        }
        out.push_str(&format!("## {} {section}\n\n", vocabulary.pick(rng)));
        for _ in 0..3 {
            for _ in 0..4 {
                out.push_str(&vocabulary.sentence(rng));
                out.push(' ');
            }
            out.push_str("\n\n");
        }
    }
    out
}

fn plain_text(vocabulary: &Vocabulary, rng: &mut Rng, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    while out.len() < bytes {
        for _ in 0..5 {
            out.push_str(&vocabulary.sentence(rng));
            out.push(' ');
        }
        out.push_str("\n\n");
    }
    out
}

/// A text PDF of about `bytes`: pages of Helvetica lines, streams uncompressed.
fn pdf(vocabulary: &Vocabulary, rng: &mut Rng, bytes: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    let mut size = 0;
    while size < bytes {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 10.into()]),
            Operation::new("TL", vec![12.into()]),
            Operation::new("Td", vec![40.into(), 800.into()]),
        ];
        for _ in 0..60 {
            let line = vocabulary.sentence(rng);
            size += line.len();
            operations.push(Operation::new("Tj", vec![Object::string_literal(line)]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources_id,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Uploads `files` one request each and waits until every document is ready; answers the
/// seconds it took and the chunks made.
async fn ingest(client: &Client, chatbot: &str, files: Vec<UploadFile>) -> (f64, u64) {
    let started = Instant::now();
    let mut ids = Vec::new();
    for file in files {
        let uploaded = client
            .knowledge_base_files(chatbot, vec![file])
            .await
            .unwrap();
        ids.extend(uploaded.documents.into_iter().map(|d| d.id));
    }
    let mut chunks = 0;
    for id in ids {
        loop {
            let page = client
                .get_knowledge_base_list_of_chatbot(
                    chatbot,
                    &KnowledgeListQuery {
                        id: Some(id.clone()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let document = &page.data[0];
            match document.status {
                DocumentStatus::Processing => tokio::time::sleep(Duration::from_millis(20)).await,
                DocumentStatus::Ready => {
                    chunks += document.chunk_count;
                    break;
                }
                DocumentStatus::Failed => panic!("ingestion failed: {document:?}"),
            }
        }
    }
    (started.elapsed().as_secs_f64(), chunks)
}

async fn bot(client: &Client, name: &str) -> String {
    client
        .create_chatbot(&okchat::CreateChatbot::named(name))
        .await
        .unwrap()
        .chatbot
        .id
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() {
    let target_chunks: u64 = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("CHUNKS is a number"))
        .unwrap_or(100_000);
    let server = support::start(&[
        (
            "CHATDECK_UPLOAD_MAX_FILE_BYTES",
            (64 * 1024 * 1024).to_string(),
        ),
        (
            "CHATDECK_UPLOAD_MAX_REQUEST_BYTES",
            (80 * 1024 * 1024).to_string(),
        ),
    ])
    .await;
    let client = Client::new(&server.base_url, &server.key);
    let vocabulary = Vocabulary::new(20_000);
    let mut rng = Rng(42);

    // Markdown: the big corpus. About 1 KB of text per chunk at the default chunk size.
    let corpus = bot(&client, "Corpus").await;
    let markdown_bytes = (target_chunks as usize) * 950;
    let mut files = Vec::new();
    let mut left = markdown_bytes;
    let mut n = 0;
    while left > 0 {
        let size = left.min(FILE_BYTES);
        files.push(UploadFile::new(
            format!("corpus-{n}.md"),
            markdown(&vocabulary, &mut rng, size),
        ));
        left -= size;
        n += 1;
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    let (seconds, chunks) = ingest(&client, &corpus, files).await;
    let corpus_chunks = chunks;
    println!(
        "markdown: {:.1} MB in {seconds:.1} s = {:.1} MB/s, {chunks} chunks (budget >= 5 MB/s)",
        total as f64 / 1e6,
        total as f64 / 1e6 / seconds
    );

    let text_bot = bot(&client, "Text").await;
    let text = plain_text(&vocabulary, &mut rng, FILE_BYTES);
    let size = text.len();
    let (seconds, chunks) =
        ingest(&client, &text_bot, vec![UploadFile::new("plain.txt", text)]).await;
    println!(
        "text: {:.1} MB in {seconds:.1} s = {:.1} MB/s, {chunks} chunks",
        size as f64 / 1e6,
        size as f64 / 1e6 / seconds
    );

    let pdf_bot = bot(&client, "Pdf").await;
    // About 14 MB of PDF: its text stays under the server's default 16 MiB text limit (a
    // 20 MiB target made 24 MB whose text the server rightly refused).
    let pdf_bytes = pdf(&vocabulary, &mut rng, 12 * 1024 * 1024);
    let size = pdf_bytes.len();
    // Kept for the script, which measures the extractor's own peak memory on it.
    let pdf_path = Path::new("target/bench-knowledge.pdf");
    std::fs::write(pdf_path, &pdf_bytes).unwrap();
    let (seconds, chunks) = ingest(
        &client,
        &pdf_bot,
        vec![UploadFile::new("bench.pdf", pdf_bytes)],
    )
    .await;
    println!(
        "pdf: {:.1} MB in {seconds:.1} s = {:.1} MB/s, {chunks} chunks",
        size as f64 / 1e6,
        size as f64 / 1e6 / seconds
    );
    if let Some(kib) = vm_hwm_kib(server.child.id()) {
        println!(
            "server peak RSS while ingesting: {:.0} MiB",
            kib as f64 / 1024.0
        );
    }
    println!("pdf file kept at {}", pdf_path.display());

    // Questions of two to four words from the corpus, as people ask: mostly common words,
    // some rare.
    let questions: Vec<String> = (0..QUERIES + 100)
        .map(|_| {
            let n = 2 + rng.below(3);
            (0..n)
                .map(|_| vocabulary.pick(&mut rng).to_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let mut api = Vec::with_capacity(QUERIES);
    let mut answered = 0;
    for (i, question) in questions.iter().enumerate() {
        let started = Instant::now();
        let answer = client
            .query_knowledge(
                &corpus,
                &QueryKnowledgeRequest {
                    query: question.clone(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        if i >= 100 {
            api.push(started.elapsed());
            answered += usize::from(!answer.results.is_empty());
        }
    }

    let mut db = SqliteConnectOptions::new()
        .filename(server.data_dir().join("chatdeck.db"))
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let scope = format!("c{}", corpus.replace('-', ""));
    let mut raw = Vec::with_capacity(QUERIES);
    for (i, question) in questions.iter().enumerate() {
        let terms: Vec<String> = question.split(' ').map(|w| format!("\"{w}\"")).collect();
        let expression = format!(
            "scope : \"{scope}\" AND {{title headings body}} : ({})",
            terms.join(" OR ")
        );
        let started = Instant::now();
        let rows = sqlx::query(
            "select c.id, c.body from knowledge_chunk_fts
             join knowledge_chunk c on c.id = knowledge_chunk_fts.rowid
             where knowledge_chunk_fts match ?1
             order by bm25(knowledge_chunk_fts, 0.0, 3.0, 1.5, 1.0) limit 20",
        )
        .bind(expression)
        .fetch_all(&mut db)
        .await
        .unwrap();
        if i >= 100 {
            raw.push(started.elapsed());
            assert!(rows.iter().all(|r| r.get::<i64, _>(0) > 0));
        }
    }
    // CHATDECK_BENCH_KEEP_DB=path keeps a copy of the database, to try queries on it by hand.
    if let Ok(path) = std::env::var("CHATDECK_BENCH_KEEP_DB") {
        sqlx::query("vacuum into ?1")
            .bind(&path)
            .execute(&mut db)
            .await
            .unwrap();
        println!("database kept at {path}");
    }
    api.sort();
    raw.sort();
    println!(
        "query knowledge ({corpus_chunks} chunks, {QUERIES} queries, {answered} with results): median {}, p95 {} (budget p95 <= 15 ms and <= 1.5x raw)",
        ms(percentile(&api, 0.5)),
        ms(percentile(&api, 0.95))
    );
    println!(
        "raw fts5 query: median {}, p95 {}",
        ms(percentile(&raw, 0.5)),
        ms(percentile(&raw, 0.95))
    );
    println!(
        "ratio: median {:.2}x, p95 {:.2}x",
        percentile(&api, 0.5).as_secs_f64() / percentile(&raw, 0.5).as_secs_f64(),
        percentile(&api, 0.95).as_secs_f64() / percentile(&raw, 0.95).as_secs_f64()
    );
}
