//! Text formatting that must come out the same on the server and in the browser (hydration
//! compares them), without float formatting code in the browser bundle.

/// `4.5312` → `4.5`: one decimal, rounded half up, by integer arithmetic.
pub fn one_decimal(x: f64) -> String {
    let tenths = (x * 10.0).round().max(0.0) as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `12345` → `12,345`.
pub fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2025-01-22T04:30:45.790337+00:00` → `2025-01-22 04:30 UTC`.
pub fn short_timestamp(ts: &str) -> String {
    match (ts.get(..10), ts.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => ts.to_owned(),
    }
}

/// `text` safe inside an HTML attribute value or element text.
pub fn escape_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            c => html.push(c),
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_rounded_like_people_write_them() {
        assert_eq!(group_digits(20000), "20,000");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        for (x, text) in [
            (4.5312, "4.5"),
            (4.55, "4.6"),
            (21.0, "21.0"),
            (1.0, "1.0"),
            (3.04, "3.0"),
            (0.96, "1.0"),
        ] {
            assert_eq!(one_decimal(x), text, "{x}");
        }
    }

    #[test]
    fn timestamps_are_shortened_the_same_everywhere() {
        assert_eq!(
            short_timestamp("2025-01-22T04:30:45.790337+00:00"),
            "2025-01-22 04:30 UTC"
        );
        assert_eq!(short_timestamp("bad"), "bad");
    }

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(
            escape_html("Say \"hi\" <b> & </textarea>"),
            "Say &quot;hi&quot; &lt;b&gt; &amp; &lt;/textarea&gt;"
        );
    }
}
