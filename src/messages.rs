//! The success `message` strings, verbatim from the okchat reference (§3) and, for the
//! knowledge base, from chatdeck's resolutions. Clients compare them, so they never change.

pub const CHATBOT_CREATED: &str = "Chatbot created successfully";
pub const CHATBOT_UPDATED: &str = "Chatbot updated successfully";
pub const CHATBOT_DELETED: &str = "Chatbot deleted successfully";
pub const AVATAR_UPDATED: &str = "Avatar updated successfully";
pub const VOICE_WIDGET_UPDATED: &str = "Voice widget config updated successfully";
pub const CHAT_WIDGET_UPDATED: &str = "Chat widget config updated successfully";
pub const FILES_UPLOADED: &str = "Files uploaded successfully";
pub const KNOWLEDGE_DELETED: &str = "Knowledge base data deleted successfully";
pub const KNOWLEDGE_UPDATED: &str = "Knowledge base updated successfully";
pub const KNOWLEDGE_TEXT_ADDED: &str = "Knowledge base text added successfully";
pub const KNOWLEDGE_URLS_ADDED: &str = "Knowledge base pages added successfully";
