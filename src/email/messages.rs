//! The messages the service sends, rendered when their event happens, in the recipient's
//! language: the words come from the Fluent files (`email-…` keys), the HTML from an askama
//! template (`templates/email/notice.html`), beside a plain-text part.

use askama::Template;

use crate::domain::account::Locale;
use crate::domain::{Arg, Args};
use crate::i18n::{words, Words};
use crate::links::Links;
use crate::models::account::{Account, Recipient};
use crate::models::outbox::NewEmail;

/// One line of a digest: an event's subject and summary, with its link.
#[derive(Debug, Clone)]
pub struct DigestLine {
    pub subject: String,
    pub summary: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "email/notice.html")]
struct Html<'a> {
    lang: &'a str,
    title: &'a str,
    paragraphs: &'a [String],
    link: Option<(&'a str, &'a str)>,
    items: &'a [DigestLine],
    footer: &'a [String],
}

/// Who a message is for.
#[derive(Debug, Clone)]
pub struct Addressee {
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
}

impl From<&Recipient> for Addressee {
    fn from(r: &Recipient) -> Self {
        Addressee {
            email: r.email.clone(),
            display_name: r.display_name.clone(),
            locale: r.locale,
        }
    }
}

impl From<&Account> for Addressee {
    fn from(a: &Account) -> Self {
        Addressee {
            email: a.email.clone(),
            display_name: a.display_name.clone(),
            locale: a.locale,
        }
    }
}

/// Renders a whole email: a greeting, paragraphs, a button, digest items, a footer.
fn compose(
    dedup_key: String,
    to: &Addressee,
    subject: String,
    paragraphs: Vec<String>,
    link: Option<(String, String)>,
    items: &[DigestLine],
    unsubscribe_url: Option<String>,
) -> NewEmail {
    let words = words(to.locale);
    let mut all = vec![words.t_args("email-greeting", &[("name", Arg::from(&to.display_name))])];
    all.extend(paragraphs);
    let mut footer = Vec::new();
    if let Some(url) = &unsubscribe_url {
        footer.push(words.t_args("email-unsubscribe", &[("url", Arg::from(url))]));
    }
    let mut text = all.join("\n\n");
    for item in items {
        text.push_str(&format!(
            "\n\n* {}\n  {}\n  {}",
            item.subject, item.summary, item.link
        ));
    }
    if let Some((label, href)) = &link {
        let line = words.t_args(
            "email-link-line",
            &[("label", Arg::from(label)), ("url", Arg::from(href))],
        );
        text.push_str(&format!("\n\n{line}"));
    }
    for line in &footer {
        text.push_str(&format!("\n\n{line}"));
    }
    text.push_str("\n\n-- \nPTCE Exchange\n");
    let html = Html {
        lang: to.locale.as_str(),
        title: &subject,
        paragraphs: &all,
        link: link.as_ref().map(|(l, h)| (l.as_str(), h.as_str())),
        items,
        footer: &footer,
    }
    .render()
    .unwrap_or_else(|_| text.clone());
    NewEmail {
        unsubscribe_url,
        dedup_key,
        recipient: to.email.clone(),
        subject,
        text_body: text,
        html_body: html,
        calendar_ics: None,
    }
}

/// A notification: a Fluent key (`<key>-subject`, `<key>-body`, one paragraph a line) with
/// its arguments and the page it is about; rendered for each recipient in their language.
#[derive(Debug, Clone)]
pub struct Notice {
    pub key: &'static str,
    pub args: Args,
    /// Absolute link to the page concerned.
    pub link: String,
}

impl Notice {
    pub fn new(key: &'static str, link: String) -> Notice {
        Notice {
            key,
            args: Vec::new(),
            link,
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Notice {
        self.args.push((name, value.into()));
        self
    }

    pub fn subject(&self, words: Words) -> String {
        words.t_args(&format!("{}-subject", self.key), &self.args)
    }

    pub fn body(&self, words: Words) -> Vec<String> {
        words
            .t_args(&format!("{}-body", self.key), &self.args)
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(String::from)
            .collect()
    }

    /// The email for one recipient; notifications carry an unsubscribe link, transactional
    /// messages (welcome, password reset) do not.
    pub fn render(
        &self,
        dedup_key: String,
        to: &Addressee,
        unsubscribe_url: Option<String>,
    ) -> NewEmail {
        let words = words(to.locale);
        compose(
            dedup_key,
            to,
            self.subject(words),
            self.body(words),
            Some((words.t("email-view"), self.link.clone())),
            &[],
            unsubscribe_url,
        )
    }
}

/// Sent once per account when it registers, with the link that confirms its address.
pub fn welcome(account: &Account, links: &Links) -> NewEmail {
    let verify = links.email_verification_url(account.id, &account.email);
    let words = words(account.locale);
    let notice = Notice::new("email-welcome", verify.clone());
    compose(
        format!("welcome:{}", account.id),
        &Addressee::from(account),
        notice.subject(words),
        notice.body(words),
        Some((words.t("email-welcome-button"), verify)),
        &[],
        None,
    )
}

/// The link to choose a new password.
pub fn password_reset(reset_id: &str, to: &Addressee, link: &str) -> NewEmail {
    Notice::new("email-password-reset", link.to_string()).render(
        format!("password-reset:{reset_id}"),
        to,
        None,
    )
}

/// The daily digest: the day's events in one email, each with its link.
pub fn digest(
    dedup_key: String,
    to: &Addressee,
    date: chrono::NaiveDate,
    lines: &[DigestLine],
    home: &str,
    unsubscribe_url: String,
) -> NewEmail {
    let words = words(to.locale);
    let args = [("date", Arg::Date(date)), ("count", Arg::from(lines.len()))];
    compose(
        dedup_key,
        to,
        words.t_args("email-digest-subject", &args),
        vec![words.t("email-digest-intro")],
        Some((words.t("email-digest-open"), home.to_string())),
        lines,
        Some(unsubscribe_url),
    )
}
