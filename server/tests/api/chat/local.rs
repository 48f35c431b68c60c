use okchat::{LastMessage, PageQuery};

use super::{ask, refund_bot};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_fresh_install_answers_from_its_knowledge_base_and_stores_both_messages() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    let answer = app
        .client
        .chat(&bot.id, &ask("How long do refunds take?", "visitor-1"))
        .await
        .unwrap();
    assert!(
        answer.output.starts_with("Refunds are paid within 14 days"),
        "{}",
        answer.output
    );
    assert!(
        answer.output.ends_with("Sources: refund-policy"),
        "{}",
        answer.output
    );
    assert!(
        !answer.output.contains("2019"),
        "only the sentences that answer"
    );
    assert_eq!(answer.finish_reason, "stop");
    assert_eq!(answer.steps.len(), 1);
    let step = &answer.steps[0];
    assert_eq!(step.step_type, "initial");
    assert_eq!(step.text, answer.output);
    assert!(step.usage.completion_tokens > 0);
    assert_eq!(
        step.usage.total_tokens,
        Some(step.usage.prompt_tokens + step.usage.completion_tokens)
    );
    assert!(step.request.is_none(), "no upstream request body leaks");
    let session_id = answer.session_id.expect("the session is named");

    let session = app
        .client
        .get_a_conversation(&bot.id, &session_id)
        .await
        .unwrap()
        .session;
    assert_eq!(session.sns_user_id.as_deref(), Some("visitor-1"));
    assert_eq!(session.session_token, None);
    assert_eq!(session.platform, "web");
    assert_eq!(session.metadata["anonymous"], true);
    assert_eq!(
        session.last_message,
        Some(LastMessage::Text(answer.output.clone()))
    );
    let thread = app
        .client
        .get_messages(&bot.id, &session_id, &PageQuery::default())
        .await
        .unwrap()
        .data;
    assert_eq!(thread.len(), 2);
    assert_eq!(thread[0].sender_type, "user");
    assert_eq!(thread[0].content, "How long do refunds take?");
    assert_eq!(thread[1].sender_type, "bot");
    assert_eq!(thread[1].content, answer.output);
    assert_eq!(thread[1].provider.as_deref(), Some("local"));
    assert_eq!(thread[1].model.as_deref(), Some("local"));
    assert!(thread[1].tokens_used > 0);
    let sources = thread[1].metadata["knowledge"].as_array().unwrap();
    assert_eq!(sources[0]["title"], "refund-policy");
    assert!(sources[0]["similarity"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn a_question_the_knowledge_base_does_not_cover_is_answered_plainly() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    let answer = app
        .client
        .chat(&bot.id, &ask("What is the vault combination?", "v"))
        .await
        .unwrap();
    assert!(
        answer
            .output
            .starts_with("I couldn't find anything about that"),
        "{}",
        answer.output
    );
}

#[tokio::test]
async fn one_session_token_is_one_conversation() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    let first = app
        .client
        .chat(&bot.id, &ask("How long do refunds take?", "same-visitor"))
        .await
        .unwrap();
    let second = app
        .client
        .chat(&bot.id, &ask("When are you open?", "same-visitor"))
        .await
        .unwrap();
    assert_eq!(first.session_id, second.session_id);
    assert!(second.output.contains("nine to five"), "{}", second.output);
    let other = app
        .client
        .chat(&bot.id, &ask("When are you open?", "someone-else"))
        .await
        .unwrap();
    assert_ne!(other.session_id, first.session_id);

    let session = first.session_id.unwrap();
    let thread = app
        .client
        .get_messages(&bot.id, &session, &PageQuery::default())
        .await
        .unwrap();
    let senders: Vec<_> = thread.data.iter().map(|m| m.sender_type.as_str()).collect();
    assert_eq!(senders, ["user", "bot", "user", "bot"]);
    let listed = app
        .client
        .get_conversations(&bot.id, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.metadata.total_count, 2);

    // Concurrent first messages of one new visitor meet in one session.
    let asks = (0..8).map(|_| {
        let client = app.client.clone();
        let bot = bot.id.clone();
        async move {
            client
                .chat(&bot, &ask("refunds?", "racing-visitor"))
                .await
                .unwrap()
        }
    });
    let answers = futures_util::future::join_all(asks).await;
    assert!(answers
        .windows(2)
        .all(|w| w[0].session_id == w[1].session_id));
    let raced = answers[0].session_id.clone().unwrap();
    let thread = app
        .client
        .get_messages(
            &bot.id,
            &raced,
            &PageQuery {
                limit: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        thread.metadata.total_count, 16,
        "every request's two messages"
    );
}
