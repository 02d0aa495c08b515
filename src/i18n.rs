//! Every word people read — pages, emails, refusals — lives in Project Fluent files under
//! `locales/{fr,en}/*.ftl`, compiled into the binary by `fluent-templates`, so translators
//! work on text files without touching Rust. French is the reference language.
//!
//! Keys are looked up by code only: a page or an email never matches a sentence. A key
//! missing in one language falls back to the other (and a test fails, see
//! `tests/api/i18n.rs`).

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

use crate::domain::account::Locale;
use crate::format;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // Arguments go into HTML and plain-text emails: no Unicode isolation marks.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn language(locale: Locale) -> LanguageIdentifier {
    match locale {
        Locale::Fr => fluent_templates::langid!("fr"),
        Locale::En => fluent_templates::langid!("en"),
    }
}

pub use crate::domain::Arg;

/// The words of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words(pub Locale);

impl Words {
    pub fn locale(self) -> Locale {
        self.0
    }

    /// The message `key`; the key itself (logged) when no language has it.
    pub fn t(self, key: &str) -> String {
        self.lookup(key, None)
    }

    /// The message `key` with its arguments (`{ $name }` in the `.ftl` file).
    pub fn t_args<N: AsRef<str>>(self, key: &str, args: &[(N, Arg)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(text) => FluentValue::from(text.clone()),
                    Arg::Number(number) => FluentValue::from(*number),
                    Arg::Decimal(value) => FluentValue::from(format::number(*value, self.0)),
                    Arg::Money(value) => FluentValue::from(format::money(*value, self.0)),
                    Arg::Date(value) => FluentValue::from(format::date(value, self.0)),
                };
                (Cow::Owned(name.as_ref().to_string()), value)
            })
            .collect();
        self.lookup(key, Some(&args))
    }

    /// Does this language (or its fallback) have the message?
    pub fn knows(self, key: &str) -> bool {
        LOCALES
            .try_lookup_complete(&language(self.0), key, None)
            .is_some()
    }

    fn lookup(self, key: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue>>) -> String {
        match LOCALES.try_lookup_complete(&language(self.0), key, args) {
            Some(text) => text,
            None => {
                tracing::warn!(key, locale = self.0.as_str(), "missing translation");
                key.to_string()
            }
        }
    }
}

/// The words of `locale`.
pub fn words(locale: Locale) -> Words {
    Words(locale)
}

/// The message ids a language's own files define, read from the source tree: for the
/// completeness tests only.
pub fn own_keys(locale: Locale) -> std::collections::BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(locale.as_str());
    let mut keys = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for line in text.lines() {
            let Some((id, _)) = line.split_once(" =") else {
                continue;
            };
            if !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            {
                keys.insert(id.to_string());
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english_define_the_same_messages() {
        let fr = own_keys(Locale::Fr);
        let en = own_keys(Locale::En);
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in French: {only_en:?}");
        assert!(fr.len() > 100);
    }

    #[test]
    fn messages_are_found_in_each_language() {
        assert_eq!(words(Locale::Fr).t("accept"), "Accepter");
        assert_eq!(words(Locale::En).t("accept"), "Accept");
        assert_eq!(words(Locale::En).t("no-such-key"), "no-such-key");
    }
}
