//! Every word people read — pages, emails, refusals — lives in Project Fluent files under
//! `locales/{fr,en}/*.ftl`, compiled into the binary by `fluent-templates`, so translators
//! work on text files without touching Rust. French is the reference language.
//!
//! Keys are looked up by code only: a page or an email never matches a sentence. A key
//! missing in one language falls back to the other (and a test fails, see
//! `tests/api/i18n.rs`).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

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
                    Arg::Time(value) => FluentValue::from(format::datetime(value, self.0)),
                };
                (Cow::Owned(name.as_ref().to_string()), value)
            })
            .collect();
        self.lookup(key, Some(&args))
    }

    /// Does this language (or its fallback) have the message, whether or not it takes
    /// arguments?
    pub fn knows(self, key: &str) -> bool {
        own_keys(self.0).contains(key) || own_keys(Locale::Fr).contains(key)
    }

    fn lookup(self, key: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue>>) -> String {
        match LOCALES.try_lookup_complete(&language(self.0), key, args) {
            Some(text) => text,
            None => {
                tracing::warn!(
                    key,
                    locale = self.0.as_str(),
                    "missing translation or argument"
                );
                key.to_string()
            }
        }
    }
}

/// The words of `locale`.
pub fn words(locale: Locale) -> Words {
    Words(locale)
}

/// The Fluent files, as compiled in (the same files `LOCALES` loads).
const FILES: [(Locale, &str); 12] = [
    (Locale::Fr, include_str!("../locales/fr/choices.ftl")),
    (Locale::Fr, include_str!("../locales/fr/emails.ftl")),
    (Locale::Fr, include_str!("../locales/fr/errors.ftl")),
    (Locale::Fr, include_str!("../locales/fr/matching.ftl")),
    (Locale::Fr, include_str!("../locales/fr/pages.ftl")),
    (Locale::Fr, include_str!("../locales/fr/visits.ftl")),
    (Locale::En, include_str!("../locales/en/choices.ftl")),
    (Locale::En, include_str!("../locales/en/emails.ftl")),
    (Locale::En, include_str!("../locales/en/errors.ftl")),
    (Locale::En, include_str!("../locales/en/matching.ftl")),
    (Locale::En, include_str!("../locales/en/pages.ftl")),
    (Locale::En, include_str!("../locales/en/visits.ftl")),
];

/// The message ids a language's own files define (not those it falls back to).
pub fn own_keys(locale: Locale) -> &'static BTreeSet<String> {
    static KEYS: OnceLock<[BTreeSet<String>; 2]> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut keys = [BTreeSet::new(), BTreeSet::new()];
        for (file_locale, text) in FILES {
            let set = &mut keys[file_locale as usize];
            for line in text.lines() {
                let Some((id, _)) = line.split_once(" =") else {
                    continue;
                };
                if id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    set.insert(id.to_string());
                }
            }
        }
        keys
    });
    &keys[locale as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english_define_the_same_messages() {
        let fr = own_keys(Locale::Fr);
        let en = own_keys(Locale::En);
        let only_fr: Vec<_> = fr.difference(en).collect();
        let only_en: Vec<_> = en.difference(fr).collect();
        assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in French: {only_en:?}");
        assert!(fr.len() > 100);
    }

    /// Every refusal code the source gives (`forbidden("…")`, `conflict("…")`,
    /// `bad_request("…")`, `Invalid::new("…")`, and the fixed ones) has its words in both
    /// languages.
    #[test]
    fn every_refusal_code_has_its_words_in_both_languages() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut wanted = std::collections::BTreeSet::new();
        for code in [
            "validation_failed",
            "unauthorized",
            "not_found",
            "rate_limited",
            "payload_too_large",
            "unsupported_media_type",
            "unavailable",
            "internal_error",
        ] {
            wanted.insert(format!("refusal-{code}"));
        }
        for text in &files {
            for (call, prefix) in [
                ("forbidden(\"", "refusal-"),
                ("conflict(\"", "refusal-"),
                ("bad_request(\"", "refusal-"),
                ("Invalid::new(\"", "invalid-"),
            ] {
                for part in text.split(call).skip(1) {
                    let code: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !code.is_empty() && part[code.len()..].starts_with('"') {
                        wanted.insert(format!("{prefix}{code}"));
                    }
                }
            }
        }
        assert!(wanted.len() > 80, "{} codes found", wanted.len());
        for locale in [Locale::Fr, Locale::En] {
            let keys = own_keys(locale);
            let missing: Vec<_> = wanted.iter().filter(|k| !keys.contains(*k)).collect();
            assert!(missing.is_empty(), "{locale:?} lacks {missing:?}");
        }
    }

    #[test]
    fn every_fluent_file_is_compiled_in() {
        for locale in [Locale::Fr, Locale::En] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("locales")
                .join(locale.as_str());
            let on_disk = std::fs::read_dir(dir).unwrap().count();
            let listed = FILES.iter().filter(|(l, _)| *l == locale).count();
            assert_eq!(on_disk, listed, "add the new .ftl file to i18n::FILES");
        }
    }

    #[test]
    fn messages_with_arguments_are_known() {
        assert!(words(Locale::En).knows("invalid-length-poles"));
        assert!(!words(Locale::En).knows("invalid-length-nothing"));
    }

    #[test]
    fn messages_are_found_in_each_language() {
        assert_eq!(words(Locale::Fr).t("accept"), "Accepter");
        assert_eq!(words(Locale::En).t("accept"), "Accept");
        assert_eq!(words(Locale::En).t("no-such-key"), "no-such-key");
    }
}
