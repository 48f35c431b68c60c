//! What the widget looks like: the branding it is drawn from, and the colours it paints with.

use leptos::prelude::Memo;
use okchat::contrast;
use okchat::HexColor;
use serde::{Deserialize, Serialize};

/// Everything the widget's appearance depends on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WidgetLook {
    pub name: String,
    pub header: String,
    pub slogan: String,
    pub logo: String,
    pub primary_color: String,
    pub secondary_color: String,
    pub greeting: String,
    /// The chatbot's avatar, beside its answers; empty shows none.
    pub avatar: String,
}

/// What the widget shows for a branding text the owner left empty: the chatbot's name.
pub fn or_name<'a>(text: &'a str, name: &'a str) -> &'a str {
    if text.is_empty() {
        name
    } else {
        text
    }
}

/// `color` if it is a valid hex colour, else `fallback`: a half-typed colour must not blank
/// the widget.
pub fn usable(color: &str, fallback: &str) -> String {
    HexColor::parse(color)
        .map(|c| c.as_str().to_owned())
        .unwrap_or_else(|_| fallback.to_owned())
}

fn text_on(color: &str) -> &'static str {
    HexColor::parse(color)
        .map(|c| contrast::text_on(&c))
        .unwrap_or(contrast::LIGHT_TEXT)
}

/// The inline style painting an element in `color` with the text colour that reads on it.
pub fn fill(color: &str) -> String {
    format!("background-color: {color}; color: {}", text_on(color))
}

/// The styles of a fixed look's two colours (primary: header and buttons; secondary: the
/// visitor's bubbles), for the widgets whose look does not change while they are shown.
pub fn paints(look: &WidgetLook) -> (Memo<String>, Memo<String>) {
    let paint = |color: &str, fallback: &str| {
        let style = fill(&usable(color, fallback));
        Memo::new(move |_| style.clone())
    };
    (
        paint(&look.primary_color, okchat::defaults::PRIMARY_COLOR),
        paint(&look.secondary_color, okchat::defaults::SECONDARY_COLOR),
    )
}

/// The first letter of the name, shown when there is no logo.
pub fn initial(name: &str) -> String {
    name.trim()
        .chars()
        .next()
        .map(|c| crate::ui::case::uppercase(c.encode_utf8(&mut [0; 4])))
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_typed_colours_fall_back_and_initials_are_shown() {
        assert_eq!(usable("#12", "#4F46E5"), "#4F46E5");
        assert_eq!(usable("#123456", "#4F46E5"), "#123456");
        assert_eq!(initial("  support"), "S");
        assert_eq!(initial(""), "?");
    }
}
