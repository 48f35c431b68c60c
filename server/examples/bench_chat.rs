//! The chat's figures (`scripts/bench-chat.sh` runs this) with the built-in provider and a
//! 1,000-document knowledge base: time to the first streamed token (median, p95, sequential),
//! chat requests per second at 32 concurrent sessions with their p50 and p99, Query Knowledge
//! alone on the same bot at the same concurrency, and a check that every request's two
//! messages were stored.
//!
//! Run: `cargo run --release -p server --example bench_chat`.

#[allow(dead_code, reason = "each benchmark uses a part of the shared module")]
mod support;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use okchat::{
    AddKnowledgeText, ChatMessage, ChatRequest, Client, DocumentStatus, KnowledgeListQuery,
    PageQuery, QueryKnowledgeRequest, StreamPart,
};
use support::{ms, percentile, Rng};

const DOCUMENTS: usize = 1_000;
const SESSIONS: usize = 32;
const TURNS_PER_SESSION: usize = 100;
const FIRST_TOKEN_SAMPLES: usize = 300;

/// A made-up word of two to four syllables: no stop word, no stem shared with English.
fn word(rng: &mut Rng) -> String {
    const CONSONANTS: &[u8] = b"bdfgklmnprstvz";
    const VOWELS: &[u8] = b"aeiou";
    (0..2 + rng.below(3))
        .flat_map(|_| {
            [
                CONSONANTS[rng.below(CONSONANTS.len())] as char,
                VOWELS[rng.below(VOWELS.len())] as char,
            ]
        })
        .collect()
}

/// Documents of five sentences of eight words each, from a 5,000-word vocabulary; a
/// question is three words of one sentence.
fn corpus(rng: &mut Rng) -> (Vec<String>, Vec<String>) {
    let vocabulary: Vec<String> = (0..5_000).map(|_| word(rng)).collect();
    let mut documents = Vec::new();
    let mut questions = Vec::new();
    for _ in 0..DOCUMENTS {
        let sentences: Vec<Vec<&str>> = (0..5)
            .map(|_| {
                (0..8)
                    .map(|_| vocabulary[rng.below(vocabulary.len())].as_str())
                    .collect()
            })
            .collect();
        let text = sentences
            .iter()
            .map(|s| format!("{}.", s.join(" ")))
            .collect::<Vec<_>>()
            .join(" ");
        let sentence = &sentences[rng.below(5)];
        questions.push(format!(
            "What about {} {} {}?",
            sentence[0], sentence[3], sentence[6]
        ));
        documents.push(text);
    }
    (documents, questions)
}

fn ask(question: &str, token: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![ChatMessage::user(question)],
        platform: Some("web".into()),
        session_token: Some(token.into()),
    }
}

async fn wait_until_ready(client: &Client, bot: &str) {
    loop {
        let mut processing = 0;
        for page in 1..=(DOCUMENTS as u64).div_ceil(100) {
            let listed = client
                .get_knowledge_base_list_of_chatbot(
                    bot,
                    &KnowledgeListQuery {
                        page: Some(page),
                        limit: Some(100),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            processing += listed
                .data
                .iter()
                .filter(|d| d.status == DocumentStatus::Processing)
                .count();
            assert!(listed
                .data
                .iter()
                .all(|d| d.status != DocumentStatus::Failed));
        }
        if processing == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Time from sending a streamed chat to its first text frame.
async fn first_token(client: &Client, bot: &str, question: &str, token: &str) -> Duration {
    let started = Instant::now();
    let mut frames = Box::pin(client.chat_stream(bot, &ask(question, token)));
    let mut first = None;
    while let Some(frame) = frames.next().await {
        if let (None, StreamPart::Text(_)) = (first, frame.unwrap()) {
            first = Some(started.elapsed());
        }
    }
    first.expect("a text frame")
}

/// Runs `SESSIONS` tasks of `TURNS_PER_SESSION` calls each; answers the wall time and every
/// call's latency, sorted.
async fn concurrent<F, Fut>(call: F) -> (Duration, Vec<Duration>)
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let started = Instant::now();
    let tasks: Vec<_> = (0..SESSIONS)
        .map(|session| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(TURNS_PER_SESSION);
                for turn in 0..TURNS_PER_SESSION {
                    let at = Instant::now();
                    call(session, turn).await;
                    latencies.push(at.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let wall = started.elapsed();
    all.sort();
    (wall, all)
}

#[tokio::main]
async fn main() {
    let server = support::start(&[]).await;
    let client = Client::new(&server.base_url, &server.key);
    let bot = client
        .create_chatbot(&okchat::CreateChatbot::named("Bench"))
        .await
        .unwrap()
        .chatbot
        .id;
    let mut rng = Rng(42);
    let (documents, questions) = corpus(&mut rng);
    let started = Instant::now();
    for (i, text) in documents.iter().enumerate() {
        client
            .add_knowledge_text(
                &bot,
                &AddKnowledgeText {
                    title: format!("Document {i}"),
                    text: Some(text.clone()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    wait_until_ready(&client, &bot).await;
    println!(
        "knowledge base: {DOCUMENTS} documents ready in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    for (i, question) in questions.iter().take(20).enumerate() {
        first_token(&client, &bot, question, &format!("warm-{i}")).await;
    }
    let mut firsts = Vec::new();
    for i in 0..FIRST_TOKEN_SAMPLES {
        let question = &questions[rng.below(questions.len())];
        firsts.push(first_token(&client, &bot, question, &format!("first-{i}")).await);
    }
    firsts.sort();
    println!(
        "first streamed token ({FIRST_TOKEN_SAMPLES} sequential): median {}, p95 {} (budget p95 <= 50 ms)",
        ms(percentile(&firsts, 0.5)),
        ms(percentile(&firsts, 0.95))
    );

    let total = SESSIONS * TURNS_PER_SESSION;
    let (wall, latencies) = {
        let client = client.clone();
        let bot = bot.clone();
        let questions = questions.clone();
        concurrent(move |session, turn| {
            let client = client.clone();
            let bot = bot.clone();
            let question = questions[(session * 31 + turn * 7) % questions.len()].clone();
            async move {
                let answer = client
                    .chat(&bot, &ask(&question, &format!("load-{session}")))
                    .await
                    .unwrap();
                assert!(!answer.output.is_empty());
            }
        })
        .await
    };
    println!(
        "chat, {SESSIONS} concurrent sessions, {total} requests: {:.0} chats/s, p50 {}, p99 {} \
         (budget >= 200 chats/s, p99 <= 250 ms)",
        total as f64 / wall.as_secs_f64(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99))
    );

    let (wall, latencies) = {
        let client = client.clone();
        let bot = bot.clone();
        let questions = questions.clone();
        concurrent(move |session, turn| {
            let client = client.clone();
            let bot = bot.clone();
            let query = questions[(session * 31 + turn * 7) % questions.len()].clone();
            async move {
                client
                    .query_knowledge(
                        &bot,
                        &QueryKnowledgeRequest {
                            query,
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
            }
        })
        .await
    };
    println!(
        "Query Knowledge alone, {SESSIONS} concurrent, {total} requests: {:.0} queries/s, p50 {}, p99 {}",
        total as f64 / wall.as_secs_f64(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99))
    );

    let mut stored = 0;
    for page in 1..=(SESSIONS as u64 + 400).div_ceil(100) {
        let listed = client
            .get_conversations(
                &bot,
                &PageQuery {
                    page: Some(page),
                    limit: Some(100),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for session in listed.data.iter().filter(|s| {
            s.sns_user_id
                .as_deref()
                .is_some_and(|t| t.starts_with("load-"))
        }) {
            let messages = client
                .get_messages(
                    &bot,
                    &session.id,
                    &PageQuery {
                        limit: Some(1),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            stored += messages.metadata.total_count;
        }
    }
    let expected = 2 * total as u64;
    println!(
        "stored: {stored} of {expected} messages of the concurrent run{}",
        if stored == expected {
            ""
        } else {
            " (MESSAGES LOST)"
        }
    );
    assert_eq!(stored, expected, "every request's two messages are stored");
}
