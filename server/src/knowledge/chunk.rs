//! Chunking: extracted text cut into overlapping pieces of at most `max_chars` characters,
//! each knowing the heading path it sits under.
//!
//! text-splitter's `MarkdownSplitter` picks the cuts (headings first, then paragraphs,
//! sentences, words). It is quadratic on text without sentence punctuation or line breaks
//! (10 MB of one endless line ran past two minutes), so the text is first cut into windows of
//! at most 32 KiB, at a heading or paragraph break where there is one, and each window is
//! split on its own. Heading paths come from the `#` lines, by byte offset.

use text_splitter::{ChunkConfig, MarkdownSplitter};

#[derive(Debug, Clone, Copy)]
pub struct ChunkSettings {
    pub max_chars: usize,
    /// At most half of `max_chars` is used.
    pub overlap_chars: usize,
}

impl Default for ChunkSettings {
    fn default() -> Self {
        ChunkSettings {
            max_chars: 1000,
            overlap_chars: 150,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub text: String,
    /// The heading path the chunk sits under, outermost first.
    pub headings: Vec<String>,
}

/// Windows are split on their own: small enough that the splitter's worst case stays cheap
/// (on 10 MB of one endless line, 32 KiB windows took 4 s, 8 KiB ones 2 s), large enough to
/// hold several chunks, since a chunk never spans two windows: eight chunks' worth of
/// single-byte characters, within these bounds.
const MIN_WINDOW_BYTES: usize = 8 * 1024;
const MAX_WINDOW_BYTES: usize = 32 * 1024;

pub fn chunk(text: &str, settings: &ChunkSettings) -> Vec<Chunk> {
    let max_chars = settings.max_chars.max(1);
    let overlap = settings.overlap_chars.min(max_chars / 2);
    let config = ChunkConfig::new(max_chars)
        .with_overlap(overlap)
        .unwrap_or_else(|_| ChunkConfig::new(max_chars));
    let splitter = MarkdownSplitter::new(config);
    let headings = headings(text);
    let mut path = HeadingPath::default();
    let mut next_heading = 0;
    let mut chunks = Vec::new();
    let window_bytes = max_chars
        .saturating_mul(8)
        .clamp(MIN_WINDOW_BYTES, MAX_WINDOW_BYTES);
    for (window_start, window) in windows(text, &headings, window_bytes) {
        for (offset, piece) in splitter.chunk_indices(window) {
            let start = window_start + offset;
            while let Some(heading) = headings.get(next_heading).filter(|h| h.offset <= start) {
                path.enter(heading);
                next_heading += 1;
            }
            chunks.push(Chunk {
                text: piece.to_owned(),
                headings: path.titles(),
            });
        }
    }
    chunks
}

/// An ATX heading line (`#` to `######`), found outside fenced code.
#[derive(Debug, PartialEq)]
struct Heading<'t> {
    /// Where its line starts.
    offset: usize,
    level: usize,
    title: &'t str,
}

fn headings(text: &str) -> Vec<Heading<'_>> {
    let mut headings = Vec::new();
    let mut fence: Option<&str> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let body = content.trim_start_matches(' ');
        if content.len() - body.len() > 3 {
            continue;
        }
        if let Some(open) = fence {
            if body.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if let Some(open) = ["```", "~~~"].into_iter().find(|f| body.starts_with(f)) {
            fence = Some(open);
            continue;
        }
        let level = body.bytes().take_while(|b| *b == b'#').count();
        let rest = &body[level..];
        if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            continue;
        }
        let title = rest.trim().trim_end_matches('#').trim_end();
        if !title.is_empty() {
            headings.push(Heading {
                offset: line_start,
                level,
                title,
            });
        }
    }
    headings
}

#[derive(Default)]
struct HeadingPath<'t> {
    open: Vec<(usize, &'t str)>,
}

impl<'t> HeadingPath<'t> {
    /// A heading closes every open one of its level or deeper.
    fn enter(&mut self, heading: &Heading<'t>) {
        while self
            .open
            .last()
            .is_some_and(|(level, _)| *level >= heading.level)
        {
            self.open.pop();
        }
        self.open.push((heading.level, heading.title));
    }

    fn titles(&self) -> Vec<String> {
        self.open
            .iter()
            .map(|(_, title)| (*title).to_owned())
            .collect()
    }
}

/// `text` cut into consecutive pieces of at most `max_bytes` (with their offsets; `max_bytes`
/// is at least 8, so half of it always holds a character). Each cut falls in the second half
/// of its window, at the last heading there, else the last blank line, line break, sentence
/// end or whitespace, else at a character boundary.
fn windows<'t>(text: &'t str, headings: &[Heading<'_>], max_bytes: usize) -> Vec<(usize, &'t str)> {
    let mut windows = Vec::new();
    let mut start = 0;
    while text.len() - start > max_bytes {
        let limit = floor_char_boundary(text, start + max_bytes);
        let floor = floor_char_boundary(text, start + max_bytes / 2);
        let searched = &text[floor..limit];
        let before_limit = headings.partition_point(|heading| heading.offset <= limit);
        let heading = headings[..before_limit]
            .last()
            .map(|heading| heading.offset)
            .filter(|offset| *offset > floor);
        let cut = heading
            .or_else(|| searched.rfind("\n\n").map(|at| floor + at + 2))
            .or_else(|| searched.rfind('\n').map(|at| floor + at + 1))
            .or_else(|| after_last_sentence(searched).map(|at| floor + at))
            .or_else(|| {
                searched
                    .rfind(char::is_whitespace)
                    .map(|at| floor + at + searched[at..].chars().next().map_or(1, char::len_utf8))
            })
            .unwrap_or(limit);
        windows.push((start, &text[start..cut]));
        start = cut;
    }
    if start < text.len() {
        windows.push((start, &text[start..]));
    }
    windows
}

/// Just after the last `.`, `!` or `?` that a space follows.
fn after_last_sentence(text: &str) -> Option<usize> {
    let mut space_follows = false;
    for (at, c) in text.char_indices().rev() {
        if space_follows && matches!(c, '.' | '!' | '?') {
            return Some(at + 1);
        }
        space_follows = c.is_whitespace();
    }
    None
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(max_chars: usize, overlap_chars: usize) -> ChunkSettings {
        ChunkSettings {
            max_chars,
            overlap_chars,
        }
    }

    #[test]
    fn chunks_know_their_heading_path() {
        let text = "Preamble before any heading.\n\n\
                    # Guide\n\nIntro to the guide.\n\n\
                    ## Install\n\nRun the installer and wait.\n\n\
                    ### On Linux\n\nUse the package.\n\n\
                    ```\n# not a heading\n```\n\n\
                    ## Configure\n\nEdit the file.\n\n\
                    # Appendix\n\nExtra.";
        let chunks = chunk(text, &small(40, 0));
        let path_of = |needle: &str| {
            chunks
                .iter()
                .find(|chunk| chunk.text.contains(needle))
                .unwrap_or_else(|| panic!("{needle:?} in no chunk of {chunks:#?}"))
                .headings
                .clone()
        };
        assert!(path_of("Preamble").is_empty());
        assert_eq!(path_of("Intro"), ["Guide"]);
        assert_eq!(path_of("installer"), ["Guide", "Install"]);
        assert_eq!(path_of("package"), ["Guide", "Install", "On Linux"]);
        assert_eq!(path_of("not a heading"), ["Guide", "Install", "On Linux"]);
        assert_eq!(path_of("Edit"), ["Guide", "Configure"]);
        assert_eq!(path_of("Extra"), ["Appendix"]);
        for chunk in &chunks {
            assert!(chunk.text.chars().count() <= 40, "{chunk:?}");
        }
    }

    #[test]
    fn headings_are_atx_lines_outside_fences() {
        let text = "# One #\n##Not\n   ### Three\n    # indented code\n~~~\n# fenced\n~~~\n#\n####### seven\n## Two\r\n";
        let found: Vec<(usize, &str)> = headings(text).iter().map(|h| (h.level, h.title)).collect();
        assert_eq!(found, [(1, "One"), (3, "Three"), (2, "Two")]);
        assert_eq!(headings(text)[1].offset, text.find("   ###").unwrap());
    }

    #[test]
    fn long_paragraphs_overlap_and_stay_within_the_size() {
        // Within one window: a chunk never overlaps across windows.
        let text: String = (0..400).map(|i| format!("Fact {i} holds. ")).collect();
        assert!(text.len() < MIN_WINDOW_BYTES);
        let chunks = chunk(&text, &small(300, 60));
        assert!(chunks.len() > 20, "{} chunks", chunks.len());
        for pair in chunks.windows(2) {
            assert!(pair[0].text.chars().count() <= 300);
            let last_fact = pair[0].text.rsplit("Fact ").next().unwrap();
            let last_fact = format!("Fact {}", last_fact.split(' ').next().unwrap());
            assert!(
                pair[1].text.contains(&last_fact),
                "no overlap between {pair:#?}"
            );
        }
        assert!(chunk("", &ChunkSettings::default()).is_empty());
        assert!(chunk(" \n\n ", &ChunkSettings::default()).is_empty());
    }

    #[test]
    fn an_endless_line_is_chunked_completely() {
        let words: Vec<String> = (0..50_000).map(|i| format!("w{i}")).collect();
        let text = words.join(" ");
        assert!(text.len() > 10 * MAX_WINDOW_BYTES);
        let chunks = chunk(&text, &small(1000, 0));
        let mut seen = Vec::new();
        for chunk in &chunks {
            assert!(chunk.text.chars().count() <= 1000);
            seen.extend(chunk.text.split_whitespace().map(str::to_owned));
        }
        assert_eq!(seen, words);

        let blob = "ab€".repeat(50_000);
        let pieces = chunk(&blob, &small(1000, 0));
        let rejoined: String = pieces.iter().map(|piece| piece.text.as_str()).collect();
        assert_eq!(rejoined, blob);
    }

    #[test]
    fn windows_cut_at_headings_then_paragraphs_and_cover_the_text() {
        let section = format!("# Part\n\n{}\n\n", "Some words here. ".repeat(30));
        let text = section.repeat(40);
        let found = headings(&text);
        let cut = windows(&text, &found, 4096);
        assert!(cut.len() > 1);
        let mut expected_start = 0;
        for (start, piece) in &cut {
            assert_eq!(*start, expected_start);
            assert!(piece.len() <= 4096);
            expected_start += piece.len();
        }
        assert_eq!(expected_start, text.len());
        for (_, piece) in &cut[1..] {
            assert!(piece.starts_with("# Part"), "{:?}", &piece[..20]);
        }

        let paragraphs = "A sentence without any heading at all. ".repeat(20) + "\n\n";
        let text = paragraphs.repeat(30);
        for (_, piece) in &windows(&text, &[], 4096)[..1] {
            assert!(piece.ends_with("\n\n"));
        }
        let one_line: String = (0..400).map(|i| format!("Fact {i} holds. ")).collect();
        for (_, piece) in windows(&one_line, &[], 4096).iter().rev().skip(1) {
            assert!(piece.ends_with("holds."), "{piece:?}");
        }
        let multibyte = "é".repeat(10_000);
        let cut = windows(&multibyte, &[], 4095);
        assert_eq!(
            cut.iter().map(|(_, piece)| *piece).collect::<String>(),
            multibyte
        );
    }

    #[test]
    fn overlap_is_bounded_by_half_the_size() {
        let text = "word ".repeat(500);
        let chunks = chunk(&text, &small(50, 500));
        assert!(chunks.iter().all(|chunk| chunk.text.chars().count() <= 50));
        assert!(chunks.len() < 200, "{} chunks", chunks.len());
    }
}
