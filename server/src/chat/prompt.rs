//! The system prompt, built as okchat builds it: a retrieval preamble, the bot's own
//! instructions (`settings.prompt`), its personality, the knowledge (when the tool loop is off),
//! today's date and the language to answer in.

use okchat::knowledge::KnowledgeResult;

use crate::chatbots::store::ChatbotRecord;

/// The tool the model is offered when `isToolEnabled` is on (okchat's name).
pub const SEARCH_TOOL: &str = "searchKnowledgeBase";

/// `knowledge` is `None` when the model fetches it itself through the tool.
pub fn system(
    chatbot: &ChatbotRecord,
    knowledge: Option<&[KnowledgeResult]>,
    today: &str,
) -> String {
    let mut parts = Vec::new();
    parts.push(match knowledge {
        None => format!(
            "You are {name}, an assistant that answers from its knowledge base. Before you \
             answer a question, call the {SEARCH_TOOL} tool and answer from what it returns. \
             If the knowledge base has nothing on the question, say so plainly rather than \
             guessing.",
            name = chatbot.name
        ),
        Some(_) => format!(
            "You are {name}, an assistant that answers from its knowledge base. Answer from the \
             knowledge below. If it does not cover the question, say so plainly rather than \
             guessing.",
            name = chatbot.name
        ),
    });
    let instructions = chatbot.settings.prompt.trim();
    if !instructions.is_empty() {
        parts.push(instructions.to_owned());
    }
    let personality = &chatbot.personality_config;
    let traits: Vec<String> = [("Tone", &personality.tone), ("Style", &personality.style)]
        .into_iter()
        .filter_map(|(label, value)| {
            let value = value.as_deref()?.trim();
            (!value.is_empty()).then(|| format!("{label}: {value}."))
        })
        .collect();
    if !traits.is_empty() {
        parts.push(format!("Personality. {}", traits.join(" ")));
    }
    if let Some(knowledge) = knowledge {
        parts.push(knowledge_section(knowledge));
    }
    parts.push(format!("Time awareness: today is {today} (UTC)."));
    parts.push(match chatbot.language.as_str() {
        "" | "auto" => "Answer in the language the user writes in.".to_owned(),
        language => format!("Answer in the language with the code \"{language}\"."),
    });
    parts.join("\n\n")
}

/// The retrieved chunks as the model reads them (also the tool's result).
pub fn knowledge_section(knowledge: &[KnowledgeResult]) -> String {
    if knowledge.is_empty() {
        return "Knowledge: nothing in the knowledge base matches the question.".into();
    }
    let mut text = String::from("Knowledge:");
    for (i, result) in knowledge.iter().enumerate() {
        text.push_str(&format!("\n\n[{}] {}", i + 1, result.content));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use okchat::PersonalityConfig;

    fn bot() -> ChatbotRecord {
        let settings = okchat::Settings {
            prompt: "Only talk about Acme's products.".into(),
            ..Default::default()
        };
        ChatbotRecord {
            slug: "acme".into(),
            personality_config: PersonalityConfig {
                tone: Some("friendly".into()),
                style: None,
            },
            settings,
            ..ChatbotRecord::sample("b", "Acme Helper")
        }
    }

    #[test]
    fn the_prompt_carries_instructions_personality_knowledge_date_and_language() {
        let chunk = KnowledgeResult {
            content: "Title: Refunds\nChunk: 1\n\nRefunds take 14 days.".into(),
            similarity: 0.8,
            document_id: None,
            title: None,
            chunk_index: None,
        };
        let text = system(&bot(), Some(&[chunk]), "2026-12-02");
        for part in [
            "You are Acme Helper",
            "Only talk about Acme's products.",
            "Tone: friendly.",
            "[1] Title: Refunds",
            "today is 2026-12-02",
            "the language the user writes in",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
        assert!(!text.contains("Style"));
        assert!(!text.contains(SEARCH_TOOL));
    }

    #[test]
    fn with_the_tool_the_knowledge_is_left_to_it() {
        let mut bot = bot();
        bot.language = "ko".into();
        let text = system(&bot, None, "2026-12-02");
        assert!(text.contains(SEARCH_TOOL));
        assert!(!text.contains("Knowledge:"));
        assert!(text.contains("\"ko\""));
    }
}
