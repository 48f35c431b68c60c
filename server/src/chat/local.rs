//! The built-in provider `local`: answers with no model and no network, so a fresh install
//! chats. It is extractive: from the chunks retrieval found, it picks the whole sentences that
//! share the most words with the question (at most three, at most 700 characters), keeps them in
//! their reading order, and names the documents they came from. With nothing retrieved it says
//! so plainly; a greeting is answered with the bot's own greeting.

use async_trait::async_trait;
use futures_util::stream;
use okchat::chat::Usage;
use okchat::knowledge::KnowledgeResult;
use unicode_segmentation::UnicodeSegmentation;

use super::provider::{ChatProvider, ProviderError, StepEvent, StepRequest, StepStream, Turn};
use super::tongue::Tongue;
use crate::knowledge::search::{self, Question};

const MAX_SENTENCES: usize = 3;
const MAX_ANSWER_CHARS: usize = 700;
/// Chunks read for sentences, best first.
const MAX_CHUNKS: usize = 5;

/// Words that make a message a greeting when it has no others.
const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "howdy",
    "morning",
    "evening",
    "afternoon",
    "good",
    "there",
    "안녕",
    "안녕하세요",
    "안녕하십니까",
    "반가워요",
    "반갑습니다",
];

pub struct LocalProvider;

fn is_greeting(question: &str) -> bool {
    // Not `search::words`: its decomposition would split Hangul syllables into jamo.
    let words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    !words.is_empty() && words.len() <= 4 && words.iter().all(|w| GREETINGS.contains(&w.as_str()))
}

/// A sentence as a reader should see it: without Markdown list and quote markers, a Q&A
/// entry's `Answer:` label, or surrounding space. Headings and questions are not answers.
fn clean(sentence: &str) -> Option<&str> {
    let s = sentence.trim();
    if s.is_empty() || s.starts_with('#') || s.starts_with("Question:") || s.starts_with('|') {
        return None;
    }
    let s = s.strip_prefix("Answer:").unwrap_or(s).trim_start();
    let s = s.trim_start_matches(['-', '*', '>', '+']).trim_start();
    let s = match s.split_once(". ") {
        Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => s,
    };
    (s.chars().filter(|c| c.is_alphanumeric()).count() >= 3).then_some(s)
}

struct Candidate<'a> {
    text: &'a str,
    /// Rank of its chunk, then position in the chunk: the reading order.
    at: (usize, usize),
    matched: u32,
}

/// The answer to `question` from `knowledge` (best first).
fn answer(question: &str, knowledge: &[KnowledgeResult], language: &str, greeting: &str) -> String {
    let tongue = Tongue::of(language, question);
    if is_greeting(question) {
        let greeting = greeting.trim();
        return if greeting.is_empty() {
            tongue.default_greeting().to_owned()
        } else {
            greeting.to_owned()
        };
    }
    if knowledge.is_empty() {
        return tongue.nothing_found().to_owned();
    }
    let analysed = Question::new(question, language);
    let mut candidates: Vec<Candidate> = Vec::new();
    for (rank, result) in knowledge.iter().take(MAX_CHUNKS).enumerate() {
        let body = search::body_of(&result.content);
        for (position, sentence) in body.unicode_sentences().enumerate() {
            if let Some(text) = clean(sentence) {
                let matched = analysed.matches_in([text]).count_ones();
                candidates.push(Candidate {
                    text,
                    at: (rank, position),
                    matched,
                });
            }
        }
    }
    // The best match first; a chunk ranked higher wins a tie. Without any shared word (the
    // chunk matched by meaning), the top chunk's opening sentences stand in.
    let mut best: Vec<&Candidate> = candidates.iter().filter(|c| c.matched > 0).collect();
    if best.is_empty() {
        best = candidates.iter().filter(|c| c.at.0 == 0).collect();
    }
    best.sort_by(|a, b| b.matched.cmp(&a.matched).then(a.at.cmp(&b.at)));
    let mut chosen: Vec<&Candidate> = Vec::new();
    let mut length = 0;
    for candidate in best {
        let chars = candidate.text.chars().count();
        if chosen.len() == MAX_SENTENCES
            || (!chosen.is_empty() && length + chars > MAX_ANSWER_CHARS)
        {
            break;
        }
        if chosen.iter().any(|c| c.text == candidate.text) {
            continue;
        }
        length += chars + 1;
        chosen.push(candidate);
    }
    if chosen.is_empty() {
        return tongue.nothing_found().to_owned();
    }
    chosen.sort_by_key(|c| c.at);
    let mut text: String = chosen
        .iter()
        .map(|c| truncate(c.text, MAX_ANSWER_CHARS))
        .collect::<Vec<_>>()
        .join(" ");
    let mut titles: Vec<&str> = Vec::new();
    for c in &chosen {
        if let Some(title) = knowledge[c.at.0].title.as_deref() {
            if !titles.contains(&title) {
                titles.push(title);
            }
        }
    }
    if !titles.is_empty() {
        text.push_str(&format!("\n\n{}: {}", tongue.sources(), titles.join(", ")));
    }
    text
}

/// At most `max` characters, cut at a word with an ellipsis.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

/// Word-sized pieces that join back to `text`, as a model would stream it.
fn deltas(text: &str) -> Vec<String> {
    text.split_word_bounds().map(str::to_owned).collect()
}

/// About four characters a token, as OpenAI's tokenizers average on English.
pub fn estimate_tokens(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX)
}

#[async_trait]
impl ChatProvider for LocalProvider {
    fn name(&self) -> &'static str {
        "local"
    }

    fn supports_tools(&self) -> bool {
        false
    }

    async fn step(&self, request: StepRequest) -> Result<StepStream, ProviderError> {
        let question = request
            .turns
            .iter()
            .rev()
            .find_map(|turn| match turn {
                Turn::User(text) => Some(text.as_str()),
                _ => None,
            })
            .unwrap_or_default();
        let text = answer(
            question,
            &request.knowledge,
            &request.language,
            &request.greeting,
        );
        let prompt_chars = request.system.chars().count()
            + request
                .turns
                .iter()
                .map(|turn| match turn {
                    Turn::User(t) | Turn::Assistant(t) => t.chars().count(),
                    Turn::ToolResult { content, .. } => content.chars().count(),
                    Turn::ToolCalls(_) => 0,
                })
                .sum::<usize>();
        let usage = Usage {
            prompt_tokens: estimate_tokens(prompt_chars),
            completion_tokens: estimate_tokens(text.chars().count()),
            total_tokens: None,
        };
        let mut events: Vec<Result<StepEvent, ProviderError>> = deltas(&text)
            .into_iter()
            .map(|d| Ok(StepEvent::TextDelta(d)))
            .collect();
        events.push(Ok(StepEvent::Finish {
            finish_reason: "stop".into(),
            usage,
            response_id: format!("local-{}", uuid::Uuid::new_v4().simple()),
            model_id: "local".into(),
        }));
        Ok(Box::pin(stream::iter(events)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(title: &str, body: &str, similarity: f64) -> KnowledgeResult {
        KnowledgeResult {
            content: search::render(title, 1, body),
            similarity,
            document_id: Some(format!("doc-{title}")),
            title: Some(title.into()),
            chunk_index: Some(1),
        }
    }

    const REFUNDS: &str = "# Refunds\n\nOur shop opened in 2019. Refunds are paid within 14 days \
        of the return arriving. Shipping costs are not refunded. We love our customers.";

    #[test]
    fn the_answer_is_the_sentences_that_share_the_question_s_words_in_reading_order() {
        let text = answer(
            "How long do refunds take?",
            &[chunk("Refund policy", REFUNDS, 0.8)],
            "en",
            "",
        );
        assert_eq!(
            text,
            "Refunds are paid within 14 days of the return arriving. Shipping costs are not \
             refunded.\n\nSources: Refund policy"
        );
        assert!(!text.contains("# Refunds") && !text.contains("2019"));
    }

    #[test]
    fn several_documents_are_all_named_once() {
        let text = answer(
            "refund shipping",
            &[
                chunk("Refund policy", "Refunds take 14 days.", 0.9),
                chunk(
                    "Shipping",
                    "Shipping is free over $50. Refund requests go to support.",
                    0.5,
                ),
            ],
            "en",
            "",
        );
        assert!(text.starts_with("Refunds take 14 days."), "{text}");
        assert!(text.ends_with("Sources: Refund policy, Shipping"), "{text}");
    }

    #[test]
    fn answers_are_bounded() {
        let long = format!("Refunds {}.", "are paid quickly ".repeat(100));
        let text = answer("refunds", &[chunk("Refund policy", &long, 0.9)], "en", "");
        let body = text.split("\n\nSources").next().unwrap();
        assert!(
            body.chars().count() <= MAX_ANSWER_CHARS + 1,
            "{}",
            body.len()
        );
        assert!(body.ends_with('…'));
    }

    #[test]
    fn q_and_a_entries_answer_without_their_labels() {
        let qa = "Question: Do you ship abroad?\n\nAnswer: Yes, we ship to 40 countries.";
        let text = answer("ship abroad", &[chunk("Shipping FAQ", qa, 0.9)], "en", "");
        assert!(text.starts_with("Yes, we ship to 40 countries."), "{text}");
    }

    #[test]
    fn nothing_retrieved_is_said_plainly_in_the_bot_s_language() {
        assert!(answer("What is the vault code?", &[], "en", "").starts_with("I couldn't find"));
        assert!(answer("환불은 얼마나 걸리나요?", &[], "auto", "").starts_with("죄송합니다"));
        assert!(answer("refund?", &[], "ko", "").starts_with("죄송합니다"));
    }

    #[test]
    fn a_greeting_gets_the_bot_s_greeting() {
        assert_eq!(
            answer("Hi there!", &[], "en", "Welcome to Acme!"),
            "Welcome to Acme!"
        );
        assert_eq!(
            answer("안녕하세요", &[], "auto", ""),
            "안녕하세요! 무엇을 도와드릴까요?"
        );
        assert!(answer("hi, where is my refund", &[], "en", "Hey").starts_with("I couldn't"));
    }

    #[test]
    fn korean_sentences_are_found_by_their_words() {
        let body =
            "환불은 14일 이내에 처리됩니다. 배송비는 환불되지 않습니다. 매장은 서울에 있습니다.";
        let text = answer(
            "환불은 언제 되나요?",
            &[chunk("환불 정책", body, 0.7)],
            "ko",
            "",
        );
        assert!(text.starts_with("환불은 14일 이내에 처리됩니다."), "{text}");
        assert!(text.ends_with("출처: 환불 정책"), "{text}");
    }

    #[test]
    fn deltas_join_back_to_the_text() {
        let text = "Refunds take 14 days.\n\nSources: Refund policy";
        assert_eq!(deltas(text).concat(), text);
        assert!(deltas(text).len() > 5);
    }
}
