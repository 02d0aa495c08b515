//! The one place that decides where the service may send a browser: a path on this site.
//!
//! Browsers parse a `Location` the WHATWG way: they drop tabs and newlines, read `\` as `/`,
//! and take `//host/…` (or `/\host`, `/<TAB>/host`) as another site. A target is accepted
//! only when it is a path here both as written and once parsed that way, so no spelling
//! leads off the site, and no byte of it can make an invalid header (which would be a 500).

use url::Url;

/// Where a refused target goes instead.
pub const FALLBACK: &str = "/dashboard";

/// The target when it is a path on this site, normalised and percent-encoded as a browser
/// would request it; `None` otherwise. Refused: anything not starting with exactly one `/`,
/// a backslash, a control character or whitespace anywhere (percent-encoded ones are fine:
/// they stay encoded), and anything whose parsed form names a scheme or a host.
pub fn local_path(candidate: &str) -> Option<String> {
    if !candidate.starts_with('/') || candidate.starts_with("//") {
        return None;
    }
    if candidate
        .chars()
        .any(|c| c == '\\' || c.is_control() || c.is_whitespace() || is_invisible(c))
    {
        return None;
    }
    let base = Url::parse("http://ptce.invalid/").expect("a valid base URL");
    let parsed = base.join(candidate).ok()?;
    if parsed.origin() != base.origin() || parsed.username() != "" || parsed.password().is_some() {
        return None;
    }
    let mut path = parsed.path().to_string();
    // "/.//evil.example" normalises to "//evil.example": a host again.
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    if let Some(query) = parsed.query() {
        path.push('?');
        path.push_str(query);
    }
    if let Some(fragment) = parsed.fragment() {
        path.push('#');
        path.push_str(fragment);
    }
    Some(path)
}

/// Invisible formatting characters (zero widths, bidirectional controls, soft hyphen, BOM):
/// never part of a link people meant.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// The target if it is safe ([`local_path`]), else the dashboard.
pub fn local_target(candidate: &str) -> String {
    local_path(candidate).unwrap_or_else(|| FALLBACK.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_on_this_site_are_kept() {
        for (given, kept) in [
            ("/", "/"),
            ("/dashboard", "/dashboard"),
            ("/listings/12?tab=matches#m3", "/listings/12?tab=matches#m3"),
            ("/?q=ch%C3%AAne&kind=offer", "/?q=ch%C3%AAne&kind=offer"),
            ("/?q=chêne", "/?q=ch%C3%AAne"),
            ("/a/../listings", "/listings"),
            ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
            ("/%09/evil.example/", "/%09/evil.example/"),
        ] {
            assert_eq!(local_path(given).as_deref(), Some(kept), "{given:?}");
        }
    }

    #[test]
    fn targets_that_could_leave_the_site_fall_back_to_the_dashboard() {
        for bad in [
            "",
            "dashboard",
            "//evil.example/",
            "///evil.example/",
            "/\t/evil.example/",
            "/\n/x",
            "/\r/x",
            "/\0x",
            "/\\evil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            "/.//evil.example/",
            "/x/..//evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            " /dashboard",
            "/ /x",
            "/\u{a0}/x",
            "/\u{2028}/x",
            "/\u{feff}/x",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
            assert_eq!(local_target(bad), FALLBACK);
        }
    }

    proptest! {
        /// Whatever the input, the answer is a path of this site, a valid header value, and
        /// a browser resolving it stays on the site.
        #[test]
        fn any_input_gives_a_local_valid_header(candidate in any::<String>(), prefix in prop::sample::select(vec!["", "/", "//", "/\\", "/.", "/%2e"])) {
            let target = local_target(&format!("{prefix}{candidate}"));
            prop_assert!(actix_web::http::header::HeaderValue::from_str(&target).is_ok());
            prop_assert!(target.starts_with('/') && !target.starts_with("//"));
            let base = Url::parse("https://ptce.example/").unwrap();
            let followed = base.join(&target).unwrap();
            prop_assert_eq!(followed.origin(), base.origin());
        }
    }
}
