use okchat::{PageQuery, StreamPart};

use super::{ask, refund_bot, stream_all};
use crate::helpers::spawn_app;

#[tokio::test]
async fn the_stream_sends_start_knowledge_text_and_finish_frames_in_order() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    let response = app
        .http
        .post(app.url(&format!(
            "/api/external/chatbot/{}/chat?stream=true",
            bot.id
        )))
        .header("x-api-key", &app.key)
        .json(&ask("How long do refunds take?", "streamer"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-vercel-ai-data-stream"], "v1");
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    let body = response.text().await.unwrap();
    let frames: Vec<StreamPart> = body
        .lines()
        .map(|line| StreamPart::parse_line(line).unwrap())
        .collect();
    let StreamPart::StartStep { message_id } = &frames[0] else {
        panic!("first frame: {:?}", frames[0]);
    };
    let StreamPart::Data(items) = &frames[1] else {
        panic!("second frame: {:?}", frames[1]);
    };
    assert_eq!(items[0]["type"], "knowledge");
    let results = items[0]["results"].as_array().unwrap();
    assert!(results[0]["content"].as_str().unwrap().contains("14 days"));
    assert!(results[0]["similarity"].as_f64().unwrap() > 0.0);
    assert!(results[0]["document_id"].is_string());
    let n = frames.len();
    let text: String = frames[2..n - 3]
        .iter()
        .map(|f| match f {
            StreamPart::Text(t) => t.as_str(),
            other => panic!("expected text, got {other:?}"),
        })
        .collect();
    assert!(n > 6, "the text comes in several deltas");
    assert!(
        text.starts_with("Refunds are paid within 14 days"),
        "{text}"
    );
    let StreamPart::FinishStep(step) = &frames[n - 3] else {
        panic!("{:?}", frames[n - 3]);
    };
    assert_eq!(
        (step.finish_reason.as_str(), step.is_continued),
        ("stop", Some(false))
    );
    // Then who answered and how fast, as message annotations.
    let StreamPart::Other { code, value } = &frames[n - 2] else {
        panic!("{:?}", frames[n - 2]);
    };
    assert_eq!(code, "8");
    assert_eq!(value[0]["type"], "answer");
    assert_eq!(value[0]["provider"], "local");
    assert!(value[0]["model"].is_string(), "{value}");
    assert!(value[0]["timeToFirstTokenMs"].is_u64(), "{value}");
    let StreamPart::FinishMessage(done) = &frames[n - 1] else {
        panic!("{:?}", frames[n - 1]);
    };
    assert_eq!(done.finish_reason, "stop");
    assert!(done.usage.completion_tokens > 0);

    // By the time `d:` arrives the answer is stored, under the id `f:` announced.
    let listed = app
        .client
        .get_conversations(&bot.id, &PageQuery::default())
        .await
        .unwrap();
    let thread = app
        .client
        .get_messages(&bot.id, &listed.data[0].id, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(thread.data.len(), 2);
    assert_eq!(&thread.data[1].id, message_id);
    assert_eq!(thread.data[1].content, text);
}

#[tokio::test]
async fn the_typed_client_reads_the_stream() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    let frames = stream_all(&app, &bot.id, &ask("When are you open?", "typed")).await;
    let text: String = frames
        .iter()
        .filter_map(|f| match f {
            StreamPart::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert!(text.contains("nine to five"), "{text}");
    assert!(matches!(frames.last(), Some(StreamPart::FinishMessage(_))));
}
