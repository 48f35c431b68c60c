//! chatdeck's own words in a conversation, in the languages it speaks.

/// The languages chatdeck's own sentences come in (the built-in provider's and the lead
/// request's); the bot's language picks one, English otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tongue {
    English,
    Korean,
}

impl Tongue {
    /// The bot's language, or with `auto` the question's script.
    pub fn of(language: &str, question: &str) -> Self {
        let primary = language.split(['-', '_']).next().unwrap_or("");
        match primary {
            "ko" => Tongue::Korean,
            "auto" | "" if question.chars().any(is_hangul) => Tongue::Korean,
            _ => Tongue::English,
        }
    }

    pub fn nothing_found(self) -> &'static str {
        match self {
            Tongue::English => {
                "I couldn't find anything about that in my knowledge base. Could you rephrase \
                 the question, or ask about something else?"
            }
            Tongue::Korean => {
                "죄송합니다. 지식 베이스에서 그 질문에 대한 내용을 찾지 못했습니다. 질문을 바꿔서 \
                 다시 물어봐 주시겠어요?"
            }
        }
    }

    pub fn default_greeting(self) -> &'static str {
        match self {
            Tongue::English => "Hello! How can I help you today?",
            Tongue::Korean => "안녕하세요! 무엇을 도와드릴까요?",
        }
    }

    pub fn sources(self) -> &'static str {
        match self {
            Tongue::English => "Sources",
            Tongue::Korean => "출처",
        }
    }
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// The lead request, sent before the first answer when `isRequestUserInfoEnabled` is on.
impl Tongue {
    pub fn lead_request(self) -> &'static str {
        match self {
            Tongue::English => {
                "Before I answer, could you leave your email address so we can follow up if \
                 needed?"
            }
            Tongue::Korean => {
                "답변드리기 전에, 필요할 때 연락드릴 수 있도록 이메일 주소를 남겨 주시겠어요?"
            }
        }
    }
}
