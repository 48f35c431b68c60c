use okchat::client::UploadFile;
use okchat::{AddKnowledgeText, QueryKnowledgeRequest, UpdateChatbot};
use serde_json::json;

use super::{ask, ingest, settled};
use crate::helpers::{assert_field_error, spawn_app, TestApp};

/// A small help centre: each question below is worded differently from the passage that
/// answers it.
const CORPUS: [(&str, &str); 6] = [
    (
        "shipping.md",
        "# Shipping\n\nOrders are shipped within two business days. Delivery to Canada takes \
         five to eight days; delivery inside the United States takes three days.",
    ),
    (
        "returns.md",
        "# Returns and refunds\n\nYou can return an unused item within 30 days of delivery. \
         Refunds are paid to the original payment method once the returned item arrives.",
    ),
    (
        "account.md",
        "# Your account\n\nTo reset your password, open the sign-in page and choose \
         'Forgot password'. A reset link is emailed to you and expires after one hour.",
    ),
    (
        "warranty.md",
        "# Warranty\n\nEvery kettle carries a two-year warranty covering manufacturing defects. \
         Damage from dropping the kettle is not covered.",
    ),
    (
        "payment.md",
        "# Payment\n\nWe accept Visa, Mastercard and PayPal. Invoices are available for \
         business customers paying by bank transfer.",
    ),
    (
        "stores.md",
        "# Our shops\n\nOur shops in Lisbon and Porto open from nine to seven, Monday to \
         Saturday.",
    ),
];

async fn help_centre(app: &TestApp) -> String {
    let bot = app.create("Help centre").await;
    let files = CORPUS
        .iter()
        .map(|(name, text)| UploadFile::new(*name, *text))
        .collect();
    ingest(app, &bot.id, files).await;
    bot.id
}

#[tokio::test]
async fn paraphrased_questions_find_the_passage_that_answers_them() {
    let app = spawn_app().await;
    let bot = help_centre(&app).await;
    for (question, expected_title) in [
        (
            "How long until my parcel reaches Canada?",
            "Title: shipping",
        ),
        ("Can I send an item back for a refund?", "Title: returns"),
        ("I forgot my password, how do I reset it?", "Title: account"),
        ("Is my kettle covered if it breaks?", "Title: warranty"),
        ("Can I pay with PayPal?", "Title: payment"),
        (
            "What are the opening hours of the Porto shop?",
            "Title: stores",
        ),
        ("refunded to which payment method?", "Title: returns"),
        (
            "Hello! Quick question from a customer in Toronto: how many days does delivering \
             an order to Canada usually take?",
            "Title: shipping",
        ),
    ] {
        let results = ask(&app, &bot, question).await;
        assert!(
            results
                .first()
                .is_some_and(|(c, _)| c.starts_with(expected_title)),
            "{question} → {results:#?}"
        );
    }
}

#[tokio::test]
async fn results_are_sorted_scored_between_0_and_1_and_laid_out_as_documented() {
    let app = spawn_app().await;
    let bot = help_centre(&app).await;
    let answer = app
        .client
        .query_knowledge(
            &bot,
            &QueryKnowledgeRequest {
                query: "delivery days Canada returned item".into(),
                limit: Some(50),
                include_dropped: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(answer.status, "OK");
    assert_eq!(answer.similarity_threshold_setting, 0.45);
    assert_eq!(answer.total_docs, answer.results.len() as u64);
    assert!(answer.dropped.is_none());
    assert_eq!(answer.ranking.as_deref(), Some("full-text"));
    assert!(!answer.results.is_empty());
    for pair in answer.results.windows(2) {
        assert!(
            pair[0].similarity >= pair[1].similarity,
            "{:?}",
            answer.results
        );
    }
    for result in &answer.results {
        assert!((0.45..=1.0).contains(&result.similarity), "{result:?}");
        let title = result.title.as_deref().unwrap();
        let index = result.chunk_index.unwrap();
        assert!(
            result
                .content
                .starts_with(&format!("Title: {title}\nChunk: {index}\n\n")),
            "{result:?}"
        );
        assert!(result.document_id.is_some());
    }
}

#[tokio::test]
async fn the_bots_threshold_and_result_count_apply_and_dropped_results_can_be_shown() {
    let app = spawn_app().await;
    let bot = help_centre(&app).await;
    let strict = UpdateChatbot {
        settings: Some(
            serde_json::from_value(json!({
                "similarityThreshold": 0.99, "maxKnowledgeResults": 1
            }))
            .unwrap(),
        ),
        ..Default::default()
    };
    let updated = app.client.update_chatbot(&bot, &strict).await.unwrap();
    assert_eq!(updated.chatbot.settings.similarity_threshold, Some(0.99));
    assert_eq!(updated.chatbot.settings.max_knowledge_results, Some(1));
    let answer = app
        .client
        .query_knowledge(
            &bot,
            &QueryKnowledgeRequest {
                query: "delivery Canada warranty".into(),
                limit: None,
                include_dropped: Some(true),
            },
        )
        .await
        .unwrap();
    assert_eq!(answer.similarity_threshold_setting, 0.99);
    assert!(answer.results.is_empty(), "{:?}", answer.results);
    let dropped = answer.dropped.unwrap();
    assert_eq!(
        dropped.len(),
        1,
        "the result count caps the dropped list too"
    );
    assert!(dropped[0].similarity < 0.99);

    // `null` goes back to the defaults.
    let reset = app
        .client
        .update_chatbot(
            &bot,
            &serde_json::from_value(json!({
                "settings": {"similarityThreshold": null, "maxKnowledgeResults": null}
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(reset.chatbot.settings.similarity_threshold, None);
    let again = ask(&app, &bot, "delivery to Canada").await;
    assert!(!again.is_empty() && again.len() <= 5);

    for (settings, path) in [
        (
            json!({"similarityThreshold": 1.5}),
            "settings.similarityThreshold",
        ),
        (
            json!({"maxKnowledgeResults": 0}),
            "settings.maxKnowledgeResults",
        ),
        (
            json!({"maxKnowledgeResults": 51}),
            "settings.maxKnowledgeResults",
        ),
    ] {
        let patch = serde_json::from_value(json!({ "settings": settings })).unwrap();
        assert_field_error(app.client.update_chatbot(&bot, &patch).await, path);
    }
}

#[tokio::test]
async fn a_question_about_nothing_known_gets_no_results_and_bad_queries_are_400() {
    let app = spawn_app().await;
    let bot = help_centre(&app).await;
    assert!(ask(&app, &bot, "quantum chromodynamics lattice")
        .await
        .is_empty());
    assert!(ask(&app, &bot, "!!! ??? ...").await.is_empty());
    for (body, path) in [
        (
            QueryKnowledgeRequest {
                query: "  ".into(),
                ..Default::default()
            },
            "query",
        ),
        (
            QueryKnowledgeRequest {
                query: "x".into(),
                limit: Some(51),
                include_dropped: None,
            },
            "limit",
        ),
    ] {
        assert_field_error(app.client.query_knowledge(&bot, &body).await, path);
    }
    let (status, body) = app
        .send_raw(
            reqwest::Method::POST,
            &format!("/api/external/chatbot/{bot}/query-knowledge"),
            "{\"query\": 5}",
        )
        .await;
    assert_eq!(status, 400, "{body}");
}

/// More chunks than one full-text ranking pass reads (2,000), all holding "kettle": the one
/// passage about limescale, stored last, still answers a question that also names words the
/// knowledge base lacks.
#[tokio::test]
async fn in_a_large_knowledge_base_the_rare_words_passage_is_found() {
    let app = spawn_app().await;
    let bot = app.create("Kettle manual").await;
    let manual: String = (1..=10_000)
        .map(|part| {
            format!(
                "## Part {part}\n\nThe kettle's part number {part} is fitted at the factory. \
                 Keep the kettle on a flat surface and fill it with fresh water before boiling; \
                 section {part} lists the kettle's parts in order.\n\n"
            )
        })
        .collect();
    let manual = ingest(&app, &bot.id, vec![UploadFile::new("manual.md", manual)]).await;
    assert!(manual[0].chunk_count > 2_000, "{manual:?}");
    ingest(
        &app,
        &bot.id,
        vec![UploadFile::new(
            "descaling.md",
            "# Descaling\n\nLimescale builds up in the kettle where the water is hard: boil \
             a mixture of vinegar and water, then rinse twice.",
        )],
    )
    .await;
    let results = ask(
        &app,
        &bot.id,
        "Does limescale harm the kettle's heating gasket?",
    )
    .await;
    assert!(
        results
            .first()
            .is_some_and(|(c, _)| c.starts_with("Title: descaling")),
        "{results:#?}"
    );
}

/// Chunks equally similar to the question keep the engine's BM25 order: here each pair ties
/// on similarity, and the chunk a plain index order would put first is the one BM25 puts last.
#[tokio::test]
async fn equally_similar_chunks_come_in_bm25_order_titles_and_rarer_words_first() {
    let app = spawn_app().await;
    let bot = app.create("Kettle notes").await;
    let upload = |name: &'static str, text: String| vec![UploadFile::new(name, text)];
    ingest(
        &app,
        &bot.id,
        upload(
            "notes.md",
            "Notes from the workshop. Descaling works best with vinegar and warm water.".into(),
        ),
    )
    .await;
    for n in 0..8 {
        ingest(
            &app,
            &bot.id,
            upload(
                "hard-water.md",
                format!("Report {n}: hard water leaves limescale on the heating plate."),
            ),
        )
        .await;
    }
    ingest(
        &app,
        &bot.id,
        upload(
            "descaling.md",
            "Use vinegar and warm water on the element, then rinse it twice with care.".into(),
        ),
    )
    .await;
    ingest(
        &app,
        &bot.id,
        upload(
            "lid.md",
            "The lid closes on a silicone gasket that keeps the steam inside the kettle.".into(),
        ),
    )
    .await;

    // Both chunks hold both words; the word in a title weighs three times one in the text.
    let results = ask(&app, &bot.id, "descaling vinegar").await;
    let titles: Vec<&str> = results
        .iter()
        .map(|(c, _)| c.lines().next().unwrap_or_default())
        .collect();
    assert_eq!(
        titles[..2],
        ["Title: descaling", "Title: notes"],
        "{results:#?}"
    );

    // Each chunk holds one of the two words; the word in one chunk outweighs the one in eight.
    let results = ask(&app, &bot.id, "gasket limescale").await;
    assert!(results.len() > 1, "{results:#?}");
    assert!(results[0].0.starts_with("Title: lid"), "{results:#?}");
}

#[tokio::test]
async fn qa_entries_answer_in_okchats_layout() {
    let app = spawn_app().await;
    let bot = app.create("Faq").await;
    let added = app
        .client
        .add_knowledge_text(
            &bot.id,
            &AddKnowledgeText {
                title: "What is chatdeck?".into(),
                question: Some("What is chatdeck?".into()),
                answer: Some("chatdeck is a self-hostable chatbot platform.".into()),
                text: None,
            },
        )
        .await
        .unwrap();
    settled(&app, &bot.id, &added.documents[0].id).await;
    let results = ask(&app, &bot.id, "what's chatdeck").await;
    assert_eq!(
        results[0].0,
        "Title: What is chatdeck?\nChunk: 1\n\nQuestion: What is chatdeck?\n\nAnswer: chatdeck \
         is a self-hostable chatbot platform."
    );
}

/// A scripted OpenAI-compatible embeddings endpoint: each text's vector counts the concepts its
/// words belong to, so synonyms ("money back", "refund") land together as a real model's would.
async fn embeddings_server() -> String {
    use axum::routing::post;
    const CONCEPTS: [&[&str]; 4] = [
        &["refund", "refunds", "money", "reimburse", "back"],
        &["shipping", "shipped", "delivery", "parcel", "arrive"],
        &["password", "login", "sign", "credentials"],
        &["warranty", "guarantee", "broken", "defects"],
    ];
    async fn embed(
        axum::Json(body): axum::Json<serde_json::Value>,
    ) -> axum::Json<serde_json::Value> {
        let inputs: Vec<String> = body["input"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_lowercase())
            .collect();
        let data: Vec<serde_json::Value> = inputs
            .iter()
            .enumerate()
            .map(|(index, text)| {
                let mut vector = vec![0.01_f32; CONCEPTS.len()];
                for word in text.split(|c: char| !c.is_alphanumeric()) {
                    for (dim, words) in CONCEPTS.iter().enumerate() {
                        if words.contains(&word) {
                            vector[dim] += 1.0;
                        }
                    }
                }
                json!({"object": "embedding", "index": index, "embedding": vector})
            })
            .collect();
        axum::Json(json!({"object": "list", "data": data, "model": "scripted"}))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/v1/embeddings", post(embed));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn with_an_embeddings_provider_a_synonym_finds_the_passage_through_hybrid_ranking() {
    let base_url = embeddings_server().await;
    let app = crate::helpers::spawn_app_with(|k| {
        k.embeddings = Some(server::knowledge::EmbeddingsConfig {
            base_url,
            api_key: "sk-test".to_owned().into(),
            model: "scripted".into(),
        });
    })
    .await;
    let bot = help_centre(&app).await;
    // No word of the question is in the returns passage; its meaning is.
    let lexical_only = spawn_app().await;
    let plain_bot = help_centre(&lexical_only).await;
    let question = "money back please";
    assert!(ask(&lexical_only, &plain_bot, question)
        .await
        .iter()
        .all(|(c, _)| !c.starts_with("Title: returns")));
    let answer = app
        .client
        .query_knowledge(
            &bot,
            &QueryKnowledgeRequest {
                query: question.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(answer.ranking.as_deref(), Some("hybrid"));
    assert!(
        answer.results[0].content.starts_with("Title: returns"),
        "{:#?}",
        answer.results
    );
    assert!(
        answer.results[0].similarity >= 0.45,
        "{:?}",
        answer.results[0]
    );
}
