//! Answers are Markdown, and they come from a model: whatever it writes must not run in the
//! page. So raw HTML is shown as text, links keep only `http`, `https` and `mailto`
//! destinations (any other link is its text alone) and open in a new tab, and images become
//! their description: a transcript makes no request the visitor did not click.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Whether a link may point at `destination`.
fn safe_destination(destination: &str) -> bool {
    let lowered = destination.trim_start().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lowered.starts_with(scheme))
}

fn opening_anchor(destination: &str, title: &str) -> String {
    let mut html = String::from("<a href=\"");
    // Writing to a String cannot fail.
    pulldown_cmark_escape::escape_href(&mut html, destination).ok();
    html.push('"');
    if !title.is_empty() {
        html.push_str(" title=\"");
        pulldown_cmark_escape::escape_html(&mut html, title).ok();
        html.push('"');
    }
    html.push_str(" target=\"_blank\" rel=\"noopener noreferrer nofollow\">");
    html
}

/// `markdown` as HTML that is safe to insert into the page.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    // For each open link, whether it was kept (its closing tag must match).
    let mut links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::Link {
            dest_url, title, ..
        }) => {
            let kept = safe_destination(&dest_url);
            links.push(kept);
            kept.then(|| Event::InlineHtml(CowStr::from(opening_anchor(&dest_url, &title))))
        }
        Event::End(TagEnd::Link) => links
            .pop()
            .unwrap_or(false)
            .then_some(Event::InlineHtml(CowStr::Borrowed("</a>"))),
        // The image's description comes through as its text events.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered() {
        assert_eq!(
            to_safe_html("**Refunds** take *14 days*:\n\n- card\n- `PayPal`"),
            "<p><strong>Refunds</strong> take <em>14 days</em>:</p>\n<ul>\n<li>card</li>\n\
             <li><code>PayPal</code></li>\n</ul>\n"
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        assert_eq!(
            to_safe_html("Hi <script>alert(1)</script> <img src=x onerror=alert(2)>"),
            "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;</p>\n"
        );
        assert_eq!(
            to_safe_html("<div onclick=\"x()\">\nblock\n</div>"),
            "&lt;div onclick=\"x()\"&gt;\nblock\n&lt;/div&gt;"
        );
    }

    #[test]
    fn only_web_and_mail_links_are_kept_and_they_open_a_new_tab() {
        assert_eq!(
            to_safe_html("[docs](https://example.com/a?b=1&c=\"2\" \"The docs\")"),
            "<p><a href=\"https://example.com/a?b=1&amp;c=%222%22\" title=\"The docs\" \
             target=\"_blank\" rel=\"noopener noreferrer nofollow\">docs</a></p>\n"
        );
        assert!(to_safe_html("[mail](mailto:help@example.com)").contains("href=\"mailto:"));
        for hostile in [
            "[x](javascript:alert(1))",
            "[x]( JavaScript:alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox)",
            "<javascript:alert(1)>",
        ] {
            let html = to_safe_html(hostile);
            assert!(!html.contains("<a"), "{hostile} → {html}");
        }
        assert_eq!(to_safe_html("[click](javascript:x)"), "<p>click</p>\n");
    }

    #[test]
    fn images_become_their_description() {
        assert_eq!(
            to_safe_html("See ![a kettle](https://tracker.example/p.png)."),
            "<p>See a kettle.</p>\n"
        );
    }
}
