//! Reading a sitemap document (<https://www.sitemaps.org/protocol.html>): the `<loc>` of each
//! `<url>` in a `<urlset>`, or of each `<sitemap>` in a `<sitemapindex>`.

use std::io::Read;

use flate2::read::GzDecoder;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::Reader;

use super::FetchError;

/// What a sitemap document lists, `<loc>` texts as written (trimmed), in document order.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Sitemap {
    /// A `<urlset>`: pages.
    Pages(Vec<String>),
    /// A `<sitemapindex>`: further sitemaps.
    Index(Vec<String>),
}

#[derive(Clone, Copy)]
enum Root {
    UrlSet,
    Index,
}

impl Root {
    fn of(local_name: &str) -> Result<Self, FetchError> {
        match local_name {
            "urlset" => Ok(Self::UrlSet),
            "sitemapindex" => Ok(Self::Index),
            _ => Err(FetchError::NotASitemap),
        }
    }

    /// The element whose `<loc>` child names a listed address.
    fn entry(self) -> &'static str {
        match self {
            Self::UrlSet => "url",
            Self::Index => "sitemap",
        }
    }
}

/// The gzip magic number: sitemaps are often served as `.xml.gz`, and the file's own first bytes
/// say so more reliably than its name or content type.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The XML text of a sitemap document as fetched: gunzipped when gzipped (to at most
/// `max_bytes`, since a small gzip file can unpack to gigabytes), and UTF-8 as the protocol
/// requires.
pub(super) fn text(document: &[u8], max_bytes: usize) -> Result<String, FetchError> {
    let xml = if document.starts_with(&GZIP_MAGIC) {
        let mut unpacked = Vec::new();
        let cap = u64::try_from(max_bytes)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        GzDecoder::new(document)
            .take(cap)
            .read_to_end(&mut unpacked)
            .map_err(|error| FetchError::InvalidSitemapGzip {
                reason: error.to_string(),
            })?;
        if unpacked.len() > max_bytes {
            return Err(FetchError::SitemapTooLarge { limit: max_bytes });
        }
        unpacked
    } else {
        document.to_vec()
    };
    let mut text = String::from_utf8(xml).map_err(|error| FetchError::InvalidSitemapXml {
        reason: format!("it is not UTF-8 text ({})", error.utf8_error()),
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Parses a sitemap's XML. Entities other than XML's five predefined ones are refused rather
/// than expanded, so a document cannot grow itself (or reach for files) through a DTD.
pub(super) fn parse(xml: &str) -> Result<Sitemap, FetchError> {
    let mut reader = Reader::from_str(xml);
    let invalid = |reason: String, at: u64| FetchError::InvalidSitemapXml {
        reason: format!("{reason} (at byte {at})"),
    };
    let mut root = None;
    // Local names of the open elements, the root first: `<loc>` counts only at
    // root > entry > loc.
    let mut open: Vec<String> = Vec::new();
    let mut loc: Option<String> = None;
    let mut listed = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|error| invalid(error.to_string(), reader.error_position()))?;
        match event {
            Event::Start(start) => {
                let name = start.local_name().into_inner().to_owned();
                let root = match root {
                    Some(root) => root,
                    None => *root.insert(Root::of(&name)?),
                };
                open.push(name);
                if let [_, entry, element] = open.as_slice() {
                    if entry == root.entry() && element == "loc" {
                        loc = Some(String::new());
                    }
                }
            }
            Event::Empty(empty) => {
                if root.is_none() {
                    root = Some(Root::of(empty.local_name().into_inner())?);
                }
            }
            Event::End(_) => {
                if open.len() == 3 {
                    if let Some(address) = loc.take() {
                        listed.push(address.trim().to_owned());
                    }
                }
                open.pop();
            }
            Event::Text(text) => {
                if let Some(loc) = &mut loc {
                    loc.push_str(&text.xml10_content());
                }
            }
            Event::CData(cdata) => {
                if let Some(loc) = &mut loc {
                    loc.push_str(&cdata.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(character)) => character.to_string(),
                    Ok(None) => resolve_predefined_entity(&reference)
                        .ok_or_else(|| {
                            invalid(
                                format!("unknown entity &{};", &*reference),
                                reader.buffer_position(),
                            )
                        })?
                        .to_owned(),
                    Err(error) => return Err(invalid(error.to_string(), reader.buffer_position())),
                };
                if let Some(loc) = &mut loc {
                    loc.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(unclosed) = open.last() {
        return Err(invalid(
            format!("the document ends before </{unclosed}>"),
            reader.buffer_position(),
        ));
    }
    match root {
        Some(Root::UrlSet) => Ok(Sitemap::Pages(listed)),
        Some(Root::Index) => Ok(Sitemap::Index(listed)),
        None => Err(FetchError::NotASitemap),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;

    #[test]
    fn a_urlset_lists_its_locs_in_order() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
            <!-- generated -->
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc> https://example.com/a </loc><lastmod>2024-01-01</lastmod></url>
              <url><loc>https://example.com/b?x=1&amp;y=&#50;</loc></url>
              <url><loc><![CDATA[https://example.com/c]]></loc></url>
              <loc>https://example.com/not-in-a-url</loc>
              <url><image:image><image:loc>https://example.com/picture.png</image:loc></image:image></url>
            </urlset>"#;
        assert_eq!(
            parse(xml).unwrap(),
            Sitemap::Pages(vec![
                "https://example.com/a".into(),
                "https://example.com/b?x=1&y=2".into(),
                "https://example.com/c".into(),
            ])
        );
    }

    #[test]
    fn a_sitemap_index_lists_its_sitemaps() {
        let xml = r#"<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sm:sitemap><sm:loc>https://example.com/one.xml</sm:loc></sm:sitemap>
              <sm:sitemap><sm:loc>https://example.com/two.xml.gz</sm:loc></sm:sitemap>
            </sm:sitemapindex>"#;
        assert_eq!(
            parse(xml).unwrap(),
            Sitemap::Index(vec![
                "https://example.com/one.xml".into(),
                "https://example.com/two.xml.gz".into(),
            ])
        );
    }

    #[test]
    fn an_empty_urlset_lists_nothing() {
        assert_eq!(parse("<urlset/>").unwrap(), Sitemap::Pages(vec![]));
    }

    #[test]
    fn malformed_xml_is_refused() {
        for xml in [
            "<urlset><url><loc>https://example.com/</url></urlset>",
            "<urlset><url><loc>https://example.com/</loc></url>",
            "<urlset><url><loc>https://example.com/&nbsp;</loc></url></urlset>",
            "<urlset><url",
        ] {
            let error = parse(xml).unwrap_err();
            assert!(
                matches!(error, FetchError::InvalidSitemapXml { .. }),
                "{xml}: {error:?}"
            );
            assert!(
                error
                    .to_string()
                    .starts_with("The sitemap is not valid XML: "),
                "{error}"
            );
        }
    }

    #[test]
    fn other_documents_are_not_sitemaps() {
        for xml in [
            "<!DOCTYPE html><html><body>hello</body></html>",
            "<rss><channel/></rss>",
            "",
        ] {
            assert!(matches!(parse(xml), Err(FetchError::NotASitemap)), "{xml}");
        }
    }

    #[test]
    fn gzipped_documents_are_unpacked_within_the_limit() {
        let xml = "<urlset><url><loc>https://example.com/</loc></url></urlset>";
        let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
        gzip.write_all(xml.as_bytes()).unwrap();
        let gzipped = gzip.finish().unwrap();
        assert_eq!(text(&gzipped, xml.len()).unwrap(), xml);
        assert!(matches!(
            text(&gzipped, xml.len() - 1),
            Err(FetchError::SitemapTooLarge { limit }) if limit == xml.len() - 1
        ));
        assert!(matches!(
            text(&gzipped[..gzipped.len() / 2], xml.len()),
            Err(FetchError::InvalidSitemapGzip { .. })
        ));
    }

    #[test]
    fn text_must_be_utf8_and_loses_its_byte_order_mark() {
        assert_eq!(
            text("\u{feff}<urlset/>".as_bytes(), 100).unwrap(),
            "<urlset/>"
        );
        assert!(matches!(
            text(b"<urlset>\xff</urlset>", 100),
            Err(FetchError::InvalidSitemapXml { .. })
        ));
    }
}
