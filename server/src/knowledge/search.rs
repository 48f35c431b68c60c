//! Retrieval: which chunks answer a question, and how well, on a 0–1 scale that means the same
//! for every query length and on every database engine.
//!
//! The engine finds candidates with its own full-text ranking (SQLite: FTS5 BM25 with titles
//! weighed above headings above text; chunks holding every word first, then those holding the
//! rarer words, each query ranking a bounded number of rows whatever the corpus size). Their **similarity** is then computed here, identically
//! for every engine, from which of the question's content words each chunk (its title,
//! headings and text) contains:
//!
//! ```text
//! similarity = matched / sqrt(known × asked)
//! ```
//!
//! `asked` counts the question's content words, `known` those of them that occur in any
//! candidate (words the knowledge base has never heard of are evidence for no chunk, so a
//! chatty question is not punished for its pleasantries; but they do count half, through the
//! geometric mean, so one shared word out of many is weak), and `matched` those the chunk has.
//! A chunk with every asked word scores 1; one with one of two known words out of four asked
//! scores 1/√8 ≈ 0.35. The default threshold 0.45 thus keeps chunks that hold most of what the
//! knowledge base knows of the question, whatever its length or the engine's raw scores.
//!
//! Words are split at anything not a letter or digit, lower-cased, stripped of diacritics,
//! stemmed (Snowball English, so "refunds" meets "refund"), and the question loses its stop
//! words (NLTK's English list, plus the bot's language where NLTK has one) unless it has nothing
//! else; at most 64 content words count.
//!
//! With an embeddings provider, a chunk's similarity is the greater of that and the cosine of
//! the question's and the chunk's embeddings (clamped to 0–1), and candidates come from both
//! lists. Results are sorted by similarity; ties keep the reciprocal-rank-fusion order of the
//! two lists (`1 / (60 + rank)` summed), or the engine's order with full text alone.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::store::ChunkHit;

/// Reciprocal rank fusion's constant, as in Cormack et al. (2009).
const RRF_K: f64 = 60.0;
/// Content words of a question that count (one bit each).
const MAX_STEMS: usize = 64;

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Lower-cased words without diacritics, in order.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.nfd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .collect()
        })
}

fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// NLTK's stop words for an ISO 639-1 language code.
fn stop_words(language: &str) -> &'static [&'static str] {
    stop_words::lookup(language).unwrap_or(&[])
}

/// A question, analysed once.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The words the engine searches for (it stems them itself), without duplicates.
    pub terms: Vec<String>,
    /// Their stems, without duplicates: what similarity counts.
    pub stems: Vec<String>,
}

impl Question {
    /// `language` is the bot's (`auto` or a tag such as `de-CH`); English stop words always go.
    pub fn new(text: &str, language: &str) -> Self {
        let primary = language.split(['-', '_']).next().unwrap_or("");
        let stop: HashSet<&str> = stop_words("en")
            .iter()
            .chain(stop_words(primary))
            .copied()
            .collect();
        let all: Vec<String> = words(text).collect();
        let content: Vec<&String> = all.iter().filter(|w| !stop.contains(w.as_str())).collect();
        // "Who are you?" is all stop words; searching for them beats searching for nothing.
        let kept: Vec<&String> = if content.is_empty() {
            all.iter().collect()
        } else {
            content
        };
        let mut terms = Vec::new();
        let mut stems = Vec::new();
        for word in kept {
            if stems.len() == MAX_STEMS {
                break;
            }
            if !terms.contains(word) {
                terms.push(word.clone());
            }
            let stemmed = stem(word);
            if !stems.contains(&stemmed) {
                stems.push(stemmed);
            }
        }
        Self { terms, stems }
    }

    /// Which of this question's stems occur in `chunk` (title, headings or text), as bits.
    pub fn matches(&self, chunk: &ChunkHit) -> u64 {
        let texts = std::iter::once(chunk.title.as_str())
            .chain(chunk.headings.iter().map(String::as_str))
            .chain(std::iter::once(chunk.body.as_str()));
        self.matches_in(texts)
    }

    /// Which of this question's stems occur in any of `texts`, as bits.
    pub fn matches_in<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> u64 {
        let all = if self.stems.len() == 64 {
            u64::MAX
        } else {
            (1u64 << self.stems.len()) - 1
        };
        let mut found = 0u64;
        for text in texts {
            for word in words(text) {
                // Stemming only removes or alters a word's ending, so a word that does not
                // start like a stem (bar its last letter) cannot have it: most words skip the
                // stemmer.
                let could_match =
                    self.stems.iter().enumerate().any(|(i, s)| {
                        found & (1 << i) == 0 && word.starts_with(without_last_char(s))
                    });
                if !could_match {
                    continue;
                }
                let stemmed = stem(&word);
                if let Some(i) = self.stems.iter().position(|s| *s == stemmed) {
                    found |= 1 << i;
                }
            }
            if found == all {
                break;
            }
        }
        found
    }

    /// The similarity of a chunk that has the `matched` stems when the candidates together
    /// have the `known` ones.
    fn similarity(&self, matched: u64, known: u64) -> f64 {
        let (matched, known) = (matched.count_ones(), known.count_ones());
        if matched == 0 {
            return 0.0;
        }
        f64::from(matched) / (f64::from(known) * self.stems.len() as f64).sqrt()
    }
}

fn without_last_char(s: &str) -> &str {
    let cut = s.chars().last().map_or(0, char::len_utf8);
    &s[..s.len() - cut]
}

/// A chunk with its similarity to the question.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub hit: ChunkHit,
    pub similarity: f64,
}

/// Scores the engine's full-text candidates (best first) and, when there are any, the vector
/// candidates (`(chunk, cosine)`, best first), merges them and sorts them as the module says.
pub fn rank(
    question: &Question,
    full_text: Vec<ChunkHit>,
    vector: Vec<(ChunkHit, f64)>,
) -> Vec<Scored> {
    struct Entry {
        hit: ChunkHit,
        matched: u64,
        cosine: f64,
        fusion: f64,
    }
    let mut entries: HashMap<i64, Entry> = HashMap::new();
    let fusion = |rank: usize| 1.0 / (RRF_K + rank as f64 + 1.0);
    for (rank, hit) in full_text.into_iter().enumerate() {
        entries.insert(
            hit.chunk_id,
            Entry {
                matched: question.matches(&hit),
                hit,
                cosine: 0.0,
                fusion: fusion(rank),
            },
        );
    }
    for (rank, (hit, cosine)) in vector.into_iter().enumerate() {
        let cosine = cosine.clamp(0.0, 1.0);
        let entry = entries.entry(hit.chunk_id).or_insert_with(|| Entry {
            matched: question.matches(&hit),
            hit,
            cosine: 0.0,
            fusion: 0.0,
        });
        entry.cosine = cosine;
        entry.fusion += fusion(rank);
    }
    let known = entries.values().fold(0, |known, e| known | e.matched);
    let mut ranked: Vec<(Scored, f64)> = entries
        .into_values()
        .map(|e| {
            let similarity = question.similarity(e.matched, known).max(e.cosine);
            (
                Scored {
                    hit: e.hit,
                    similarity,
                },
                e.fusion,
            )
        })
        .collect();
    ranked.sort_by(|(a, fa), (b, fb)| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(fb.total_cmp(fa))
            .then(a.hit.chunk_id.cmp(&b.hit.chunk_id))
    });
    ranked.into_iter().map(|(scored, _)| scored).collect()
}

/// The cosine of two embeddings; 0 when either is empty or their lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0.0_f64, 0.0_f64, 0.0_f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na.sqrt() * nb.sqrt())
    }
}

/// Okapi BM25, as both engines rank full-text matches (SQLite's `chatdeck_bm25` function,
/// PostgreSQL's query in `knowledge::postgres`): the same parameters and the same IDFs from the
/// same capped word counts, so the engines hand `search_chunks` the same candidates in the same
/// order.
pub mod bm25 {
    /// Term-frequency saturation and length normalisation: FTS5's defaults.
    pub const K1: f64 = 1.2;
    pub const B: f64 = 0.75;
    /// The least IDF a word gets, as FTS5's `bm25()` does, so a word in most chunks still
    /// counts a little rather than negatively.
    pub const MIN_IDF: f64 = 1e-6;

    /// The inverse document frequency of a word found in `matches` of `chunks` chunks.
    pub fn idf(matches: i64, chunks: i64) -> f64 {
        let (n, total) = (matches as f64, chunks.max(matches) as f64);
        ((total - n + 0.5) / (n + 0.5)).ln().max(MIN_IDF)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn rarer_words_weigh_more_and_none_weighs_less_than_nothing() {
            assert!(idf(1, 1000) > idf(10, 1000));
            assert!(idf(10, 1000) > idf(500, 1000));
            assert_eq!(idf(1000, 1000), MIN_IDF);
            // More matches than chunks counted (a count taken a moment later) is no error.
            assert_eq!(idf(1200, 1000), MIN_IDF);
        }
    }
}

/// A result's `content`, in the documented layout.
pub fn render(title: &str, index: i64, body: &str) -> String {
    format!("Title: {title}\nChunk: {index}\n\n{body}")
}

/// The chunk text of a result's `content` (what `render` put after its header).
pub fn body_of(content: &str) -> &str {
    match content.split_once("\n\n") {
        Some((header, body)) if header.starts_with("Title: ") => body,
        _ => content,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: i64, title: &str, body: &str) -> ChunkHit {
        ChunkHit {
            chunk_id: id,
            document_id: format!("doc-{id}"),
            title: title.into(),
            index: 1,
            headings: vec![],
            body: body.into(),
        }
    }

    #[test]
    fn questions_keep_their_content_words_stemmed_once() {
        let q = Question::new("How do I get my REFUNDS? Refund please, café", "auto");
        assert_eq!(q.terms, ["get", "refunds", "refund", "please", "cafe"]);
        assert_eq!(q.stems, ["get", "refund", "pleas", "cafe"]);
    }

    #[test]
    fn a_question_of_stop_words_only_keeps_them() {
        let q = Question::new("Who are you?", "en");
        assert_eq!(q.terms, ["who", "are", "you"]);
    }

    #[test]
    fn the_bots_language_adds_its_stop_words() {
        let q = Question::new("Wie lange dauert die Lieferung?", "de-CH");
        assert_eq!(q.terms, ["lange", "dauert", "lieferung"]);
    }

    fn similarities(question: &str, hits: Vec<ChunkHit>) -> Vec<(i64, f64)> {
        rank(&Question::new(question, "auto"), hits, vec![])
            .into_iter()
            .map(|s| (s.hit.chunk_id, s.similarity))
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_chunk_with_every_asked_word_scores_one() {
        let scores = similarities(
            "refund shipping costs to Canada",
            vec![hit(
                1,
                "Refunds",
                "We ship to Canada; shipping costs are refunded.",
            )],
        );
        assert!(close(scores[0].1, 1.0), "{scores:?}");
    }

    #[test]
    fn similarity_is_matched_over_the_geometric_mean_of_known_and_asked() {
        // Asked: refund, polici, canada, tomorrow (4). Known to the candidates: refund, polici (2).
        let scores = similarities(
            "refund policy Canada tomorrow",
            vec![
                hit(1, "Refund policy", "All about it."),
                hit(2, "Policy", "Another policy."),
            ],
        );
        assert_eq!(scores[0].0, 1);
        assert!(close(scores[0].1, 2.0 / 8f64.sqrt()), "{scores:?}");
        assert!(close(scores[1].1, 1.0 / 8f64.sqrt()), "{scores:?}");
    }

    #[test]
    fn pleasantries_the_knowledge_base_never_heard_of_cost_only_half() {
        let chunk = || vec![hit(1, "Delivery", "Delivery to Canada takes eight days.")];
        let chatty_question =
            "Hi there! I was wondering, could you possibly tell me about delivery days to Canada?";
        let plain = similarities("delivery days Canada", chunk());
        let chatty = similarities(chatty_question, chunk());
        assert!(close(plain[0].1, 1.0));
        // Matched and known: delivery, days, canada; asked besides: hi, wondering, possibly, …
        let asked = Question::new(chatty_question, "auto").stems.len();
        assert!(asked >= 6, "{asked}");
        assert!(
            close(chatty[0].1, 3.0 / (3.0 * asked as f64).sqrt()),
            "{chatty:?}"
        );
        assert!(chatty[0].1 > 0.45);
    }

    #[test]
    fn the_same_shares_give_the_same_score_whatever_the_question_length() {
        let chunk = || {
            vec![hit(
                1,
                "Returns",
                "Returns are accepted within 30 days. Keep the receipt.",
            )]
        };
        let short = similarities("returns days", chunk());
        let long = similarities("returns accepted days receipt", chunk());
        assert!(close(short[0].1, long[0].1));
    }

    #[test]
    fn results_sort_by_similarity_then_by_the_engines_order() {
        let scores = similarities(
            "refund policy",
            vec![
                hit(1, "Policy", "Our policy."),
                hit(2, "Refund policy", "All about it."),
                hit(3, "Policy", "Another policy."),
            ],
        );
        let ids: Vec<i64> = scores.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [2, 1, 3]);
    }

    #[test]
    fn vectors_lift_a_paraphrase_the_words_miss() {
        let q = Question::new("money back", "auto");
        let ranked = rank(
            &q,
            vec![hit(1, "Money", "Money matters.")],
            vec![(hit(2, "Refunds", "Refunds within 14 days."), 0.83)],
        );
        assert_eq!(ranked[0].hit.chunk_id, 2);
        assert!(close(ranked[0].similarity, 0.83));
        // money known, back not: 1 / sqrt(1 × 2).
        assert!(close(ranked[1].similarity, 1.0 / 2f64.sqrt()));
    }

    #[test]
    fn cosine_of_parallel_orthogonal_and_mismatched_vectors() {
        assert!((cosine(&[1.0, 2.0], &[2.0, 4.0]) - 1.0).abs() < 1e-9);
        assert_eq!(cosine(&[1.0, 0.0], &[0.0, 1.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 2.0]), 0.0);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
    }

    #[test]
    fn content_follows_the_documented_layout() {
        assert_eq!(
            render("faq", 4, "Question: a?\n\nAnswer: b."),
            "Title: faq\nChunk: 4\n\nQuestion: a?\n\nAnswer: b."
        );
    }
}
