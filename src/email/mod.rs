//! Email: the mailer backends, the messages, and the outbox worker that sends them.

pub mod digest;
pub mod events;
pub mod mailer;
pub mod messages;
pub mod worker;

pub use mailer::Mailer;

/// Escapes text for inclusion in HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
