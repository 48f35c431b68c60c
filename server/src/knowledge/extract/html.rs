//! HTML: html5ever parses (through html2text), hidden parts are cut out of the tree, and
//! html2text renders what a reader would see, headings as `#` lines.
//!
//! html5ever's tree builder walks the stack of open elements for most start tags, so its
//! time grows with tags × nesting depth (30,000 nested `div`s took 5 s, 100,000 a minute).
//! The size cap bounds the tags; a pass of html5ever's tokenizer alone (linear) bounds the
//! depth before the tree is built.

use std::cell::Cell;
use std::rc::Rc;

use html2text::{Element, Handle};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{encoding, ExtractError, Extracted, Limits};

/// Deeper than real pages go (they stay under a few hundred), shallow enough that the tree
/// builder's cost stays within seconds for a document at the size cap.
const MAX_DEPTH: usize = 512;

/// Wide enough that html2text never wraps a paragraph: chunking decides where lines break.
const RENDER_WIDTH: usize = 100_000;

pub(super) fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    if bytes.len() > limits.max_html_bytes {
        return Err(ExtractError::HtmlTooLarge {
            limit: limits.max_html_bytes,
        });
    }
    let source = encoding::decode(bytes)?;
    if deepest_nesting(&source) > MAX_DEPTH {
        return Err(ExtractError::Html("its elements nest more than 512 deep"));
    }
    let config = html2text::config::plain_no_decorate();
    let dom = config
        .parse_html(source.as_bytes())
        .map_err(|_| ExtractError::Html("it could not be parsed"))?;
    let title = find_element(&dom.document, "title").map(|title| text_content(&title));
    remove_invisible(&dom.document);
    let tree = match config.dom_to_render_tree(&dom) {
        Ok(tree) => tree,
        // html2text has no render tree for a document in which nothing renders.
        Err(html2text::Error::Fail) => return Err(ExtractError::NoText),
        Err(_) => return Err(ExtractError::Html("it could not be rendered as text")),
    };
    let text = config
        .render_to_string(tree, RENDER_WIDTH)
        .map_err(|error| match error {
            html2text::Error::TooNarrow => ExtractError::Html("its tables are nested too deeply"),
            _ => ExtractError::Html("it could not be rendered as text"),
        })?;
    Ok(Extracted { text, title })
}

/// The deepest nesting of elements the tree builder would make, counted over tags: void
/// elements and those whose end tag the parser implies (`p`, `li`, `td`, …) do not nest.
fn deepest_nesting(source: &str) -> usize {
    let tokenizer = Tokenizer::new(DepthGauge::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(source));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.deepest.get()
}

#[derive(Default)]
struct DepthGauge {
    depth: Cell<usize>,
    deepest: Cell<usize>,
    /// Open `svg` and `math` elements: only in that foreign content does `<x/>` close itself
    /// (in HTML, `<div/>` opens a `div`).
    foreign: Cell<usize>,
}

impl TokenSink for DepthGauge {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        let name: &str = &tag.name;
        let nests = !matches!(
            name,
            "area"
                | "base"
                | "basefont"
                | "bgsound"
                | "br"
                | "col"
                | "embed"
                | "frame"
                | "hr"
                | "img"
                | "input"
                | "keygen"
                | "link"
                | "meta"
                | "param"
                | "source"
                | "track"
                | "wbr"
                | "p"
                | "li"
                | "dt"
                | "dd"
                | "option"
                | "optgroup"
                | "tr"
                | "td"
                | "th"
                | "thead"
                | "tbody"
                | "tfoot"
                | "caption"
                | "colgroup"
                | "rb"
                | "rt"
                | "rtc"
                | "rp"
        );
        let foreign_root = matches!(name, "svg" | "math");
        let closes_itself = tag.self_closing && (self.foreign.get() > 0 || foreign_root);
        match tag.kind {
            TagKind::StartTag if nests && !closes_itself => {
                let depth = self.depth.get() + 1;
                self.depth.set(depth);
                self.deepest.set(self.deepest.get().max(depth));
                if foreign_root {
                    self.foreign.set(self.foreign.get() + 1);
                }
            }
            TagKind::EndTag if nests => {
                self.depth.set(self.depth.get().saturating_sub(1));
                if foreign_root {
                    self.foreign.set(self.foreign.get().saturating_sub(1));
                }
            }
            _ => {}
        }
        // The tokenizer leaves raw text to its tree builder: without these, a `<` inside a
        // script would count as a tag.
        match (tag.kind, name) {
            (TagKind::StartTag, "script") => TokenSinkResult::RawData(RawKind::ScriptData),
            (TagKind::StartTag, "style" | "xmp" | "iframe" | "noembed" | "noframes") => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            (TagKind::StartTag, "title" | "textarea") => TokenSinkResult::RawData(RawKind::Rcdata),
            (TagKind::StartTag, "plaintext") => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

fn element_name(node: &Handle) -> Option<&str> {
    match &node.data {
        Element { name, .. } => Some(&*name.local),
        _ => None,
    }
}

fn attribute<'a>(node: &'a Handle, wanted: &str) -> Option<std::cell::Ref<'a, str>> {
    let Element { attrs, .. } = &node.data else {
        return None;
    };
    let attrs = attrs.borrow();
    let index = attrs.iter().position(|a| &*a.name.local == wanted)?;
    Some(std::cell::Ref::map(attrs, |attrs| &*attrs[index].value))
}

/// Elements a reader never sees: non-content elements, and those hidden by the `hidden`
/// attribute, `aria-hidden="true"` or an inline `display: none` / `visibility: hidden`.
fn is_invisible(node: &Handle) -> bool {
    let Some(name) = element_name(node) else {
        return false;
    };
    if matches!(
        name,
        "head" | "script" | "style" | "noscript" | "template" | "iframe" | "object" | "embed"
    ) {
        return true;
    }
    if attribute(node, "hidden").is_some() {
        return true;
    }
    if attribute(node, "aria-hidden").is_some_and(|value| value.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    attribute(node, "style").is_some_and(|style| hides(&style))
}

/// Whether an inline style declaration list hides its element.
fn hides(style: &str) -> bool {
    style.split(';').any(|declaration| {
        let Some((property, value)) = declaration.split_once(':') else {
            return false;
        };
        let property = property.trim().to_ascii_lowercase();
        let value = value
            .trim()
            .trim_end_matches("!important")
            .trim()
            .to_ascii_lowercase();
        (property == "display" && value == "none")
            || (property == "visibility" && (value == "hidden" || value == "collapse"))
    })
}

/// Walks the whole tree with an explicit stack (documents nest as deep as the size cap
/// allows), dropping invisible subtrees.
fn remove_invisible(root: &Handle) {
    let mut stack = vec![Rc::clone(root)];
    while let Some(node) = stack.pop() {
        let mut children = node.children.borrow_mut();
        children.retain(|child| !is_invisible(child));
        stack.extend(children.iter().cloned());
    }
}

fn find_element(root: &Handle, wanted: &str) -> Option<Handle> {
    let mut stack = vec![Rc::clone(root)];
    while let Some(node) = stack.pop() {
        if element_name(&node) == Some(wanted) {
            return Some(node);
        }
        stack.extend(node.children.borrow().iter().rev().cloned());
    }
    None
}

/// The text of an element whose children are text only (`<title>` holds nothing else). The
/// rcdom html2text uses does not export its text node type, so the text comes back through
/// html5ever's serializer, which escapes exactly `&`, `<`, `>` and no-break spaces.
fn text_content(node: &Handle) -> String {
    let mut html = Vec::new();
    for child in node.children.borrow().iter() {
        if element_name(child).is_none() && child.serialize(&mut html).is_err() {
            return String::new();
        }
    }
    String::from_utf8_lossy(&html)
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(source: &str) -> Result<Extracted, ExtractError> {
        super::super::extract_here(
            super::super::Format::Html,
            source.as_bytes(),
            &Limits::default(),
        )
    }

    #[test]
    fn visible_text_with_headings_and_the_title() {
        let extracted = html(
            r#"<!doctype html><html><head><title>The &amp; Guide</title>
            <style>p { color: red }</style><script>var secret = "script";</script></head>
            <body>
              <h1>Welcome</h1>
              <p>First paragraph with <a href="/x">a link</a>.</p>
              <noscript>enable javascript</noscript>
              <template><p>template text</p></template>
              <div hidden>hidden attribute</div>
              <div aria-hidden="true">aria hidden</div>
              <div aria-hidden="false">aria shown</div>
              <span style="color: red; display : NONE !important">display none</span>
              <p style="visibility:hidden">visibility hidden</p>
              <h2>Details</h2>
              <p>Second paragraph.</p>
              <ul><li>one</li><li>two</li></ul>
              <table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table>
              <h3>Deeper</h3><p>Third.</p>
            </body></html>"#,
        )
        .unwrap();
        let text = extracted.text;
        assert_eq!(extracted.title.as_deref(), Some("The & Guide"));
        for visible in [
            "# Welcome",
            "First paragraph with",
            "a link",
            "aria shown",
            "## Details",
            "Second paragraph.",
            "one",
            "two",
            "### Deeper",
            "Third.",
        ] {
            assert!(text.contains(visible), "{visible:?} missing from {text:?}");
        }
        for hidden in [
            "color: red",
            "secret",
            "enable javascript",
            "template text",
            "hidden attribute",
            "aria hidden",
            "display none",
            "visibility hidden",
        ] {
            assert!(!text.contains(hidden), "{hidden:?} shown in {text:?}");
        }
        assert!(text.contains("Welcome\n\nFirst paragraph"), "{text:?}");
    }

    #[test]
    fn long_paragraphs_are_not_wrapped() {
        let words = "word ".repeat(2000);
        let extracted = html(&format!("<p>{words}</p>")).unwrap();
        assert_eq!(extracted.text.trim_end(), words.trim_end());
        assert_eq!(extracted.title, None);
    }

    #[test]
    fn inline_styles_that_hide() {
        assert!(hides("display:none"));
        assert!(hides("color: red;display: none !important;"));
        assert!(hides("VISIBILITY: hidden"));
        assert!(!hides("display: block"));
        assert!(!hides("content: 'display:none'x"));
        assert!(!hides(""));
    }

    #[test]
    fn oversized_html_is_refused_before_parsing() {
        let limits = Limits {
            max_html_bytes: 1000,
            ..Limits::default()
        };
        let error = extract("<p>x</p>".repeat(200).as_bytes(), &limits).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The HTML is larger than the 1000 bytes limit."
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_the_tree_is_built() {
        let depth = 100_000;
        let source = format!(
            "{}deep text{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        assert!(source.len() <= Limits::default().max_html_bytes);
        let started = std::time::Instant::now();
        assert_eq!(
            html(&source).unwrap_err().to_string(),
            "The HTML could not be read: its elements nest more than 512 deep."
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        let fine = format!("{}deep text{}", "<div>".repeat(500), "</div>".repeat(500));
        assert!(html(&fine).unwrap().text.contains("deep text"));
    }

    #[test]
    fn nesting_is_counted_as_the_parser_nests() {
        assert_eq!(deepest_nesting("<div><div><span>x</span></div></div>"), 3);
        let flat = "<p>one<p>two<br><img src=x><li>three<input>".repeat(1000);
        assert!(deepest_nesting(&flat) <= 1);
        let script = format!(
            "<script>{}</script><div></div>",
            "if (a<b) { x = '<div>'; }".repeat(1000)
        );
        assert_eq!(deepest_nesting(&script), 1);
        // In HTML `<div/>` opens a div; in SVG `<path/>` closes itself.
        assert_eq!(deepest_nesting("<div/><div/><section><br/></section>"), 3);
        let svg = format!("<svg>{}</svg><div></div>", "<path d='M0 0'/>".repeat(1000));
        assert_eq!(deepest_nesting(&svg), 1);
    }

    #[test]
    fn a_page_with_nothing_visible_has_no_text() {
        let error =
            html("<html><body><script>x()</script><p hidden>y</p></body></html>").unwrap_err();
        assert!(matches!(error, ExtractError::NoText), "{error}");
    }
}
