//! Conversations before agreeing: one per match, proposal, takeover contact request and
//! exchange, named by what it is about (`match-12`, `proposal-3`, `contact-5`,
//! `exchange-7`), so that every match, proposal and exchange carries its conversation's id
//! from the start, without a row written for each (a publication finds up to fifty
//! matches). Messages are text of 1 to 5,000 characters.

use super::Invalid;

/// The longest message, in characters (Unicode scalar values).
pub const MAX_BODY_CHARS: usize = 5000;

/// What a conversation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Match(i64),
    Proposal(i64),
    /// A takeover's contact request.
    Contact(i64),
    Exchange(i64),
}

impl Subject {
    /// Reads `match-12`, `proposal-3`, `contact-5` or `exchange-7`; `None` for anything
    /// else.
    pub fn parse(id: &str) -> Option<Subject> {
        let (kind, digits) = id.split_once('-')?;
        if digits.is_empty()
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let number: i64 = digits.parse().ok()?;
        match kind {
            "match" => Some(Subject::Match(number)),
            "proposal" => Some(Subject::Proposal(number)),
            "contact" => Some(Subject::Contact(number)),
            "exchange" => Some(Subject::Exchange(number)),
            _ => None,
        }
    }

    /// The kind as stored (`conversations.subject_kind`).
    pub fn kind(self) -> &'static str {
        match self {
            Subject::Match(_) => "match",
            Subject::Proposal(_) => "proposal",
            Subject::Contact(_) => "contact",
            Subject::Exchange(_) => "exchange",
        }
    }

    /// The id of the match, proposal, contact request or exchange.
    pub fn subject_id(self) -> i64 {
        match self {
            Subject::Match(n)
            | Subject::Proposal(n)
            | Subject::Contact(n)
            | Subject::Exchange(n) => n,
        }
    }

    /// The conversation's id in the API and the pages' URLs.
    pub fn id(self) -> String {
        format!("{}-{}", self.kind(), self.subject_id())
    }

    /// From the stored kind and id.
    pub fn from_stored(kind: &str, id: i64) -> Option<Subject> {
        Subject::parse(&format!("{kind}-{id}"))
    }
}

/// A message's text, trimmed: 1 to [`MAX_BODY_CHARS`] characters. Refusals:
/// `message_required`, `message_too_long`.
pub fn check_body(body: &str) -> Result<String, Invalid> {
    let body = body.trim();
    if body.is_empty() {
        return Err(Invalid::new("message_required"));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(Invalid::new("message_too_long").with("max", MAX_BODY_CHARS as i64));
    }
    Ok(body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_subject_and_nothing_else_reads_as_one() {
        assert_eq!(Subject::parse("match-12"), Some(Subject::Match(12)));
        assert_eq!(Subject::parse("exchange-7").unwrap().id(), "exchange-7");
        assert_eq!(Subject::parse("contact-5"), Some(Subject::Contact(5)));
        for wrong in [
            "",
            "match",
            "match-",
            "match-0",
            "match--3",
            "match-+3",
            "visit-3",
            "12",
            "match-1.5",
            "match-99999999999999999999",
        ] {
            assert_eq!(Subject::parse(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn a_message_is_one_to_five_thousand_characters() {
        assert_eq!(check_body("  Bonjour  ").unwrap(), "Bonjour");
        assert_eq!(check_body(" \n ").unwrap_err().code, "message_required");
        assert!(check_body(&"é".repeat(5000)).is_ok());
        assert_eq!(
            check_body(&"é".repeat(5001)).unwrap_err().code,
            "message_too_long"
        );
    }
}
