//! Unicode case mapping without the standard library's case tables in the browser bundle: in
//! the browser the JavaScript engine's `toLowerCase`/`toUpperCase` do it (the same Unicode
//! default mapping), on the server the standard library does.

/// `s` in lower case.
pub fn lowercase(s: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_sys::JsString::from(s).to_lower_case())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        s.to_lowercase()
    }
}

/// `s` in upper case.
pub fn uppercase(s: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_sys::JsString::from(s).to_upper_case())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        s.to_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_beyond_ascii() {
        assert_eq!(lowercase("Café ÉLAN"), "café élan");
        assert_eq!(uppercase("straße"), "STRASSE");
    }
}
