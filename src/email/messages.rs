//! The messages the service sends, rendered to text and HTML in the recipient's language
//! when their event happens.

use super::escape_html;
use super::events::Links;
use crate::domain::account::Locale;
use crate::models::account::Account;
use crate::models::outbox::NewEmail;

/// Wraps a message body in the shared HTML layout.
fn html_layout(title: &str, paragraphs: &[String], link: Option<(&str, &str)>) -> String {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!("<p>{}</p>\n", escape_html(p)));
    }
    if let Some((label, href)) = link {
        body.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 16px;background:#1d5b4f;color:#ffffff;text-decoration:none;border-radius:6px\">{}</a></p>\n",
            escape_html(href),
            escape_html(label)
        ));
    }
    format!(
        "<!doctype html>\n<html><body style=\"font-family:system-ui,sans-serif;color:#1f2933;max-width:600px\">\n<h1 style=\"font-size:20px\">{}</h1>\n{body}<p style=\"color:#52606d;font-size:13px\">PTCE Exchange</p>\n</body></html>\n",
        escape_html(title)
    )
}

fn text_layout(paragraphs: &[String], link: Option<(&str, &str)>) -> String {
    let mut text = paragraphs.join("\n\n");
    if let Some((label, href)) = link {
        text.push_str(&format!("\n\n{label} : {href}"));
    }
    text.push_str("\n\n-- \nPTCE Exchange\n");
    text
}

/// Sent once per account when it registers, with the link that confirms its address.
pub fn welcome(account: &Account, locale: Locale, links: &Links) -> NewEmail {
    let verify = links.email_verification_url(account.id, &account.email);
    let name = &account.display_name;
    let (subject, paragraphs, label) = match locale {
        Locale::Fr => (
            "Bienvenue sur PTCE Exchange : confirmez votre adresse".to_string(),
            vec![
                format!("Bonjour {name},"),
                "Votre compte est créé. Vous pouvez maintenant rattacher votre entreprise à son pôle, \
                 publier des offres et des besoins, et recevoir les correspondances qui vous concernent."
                    .to_string(),
                "Confirmez votre adresse e-mail avec le lien ci-dessous.".to_string(),
            ],
            "Confirmer mon adresse",
        ),
        Locale::En => (
            "Welcome to PTCE Exchange: confirm your address".to_string(),
            vec![
                format!("Hello {name},"),
                "Your account is ready. You can now link your enterprise to its pôle, post offers \
                 and needs, and receive the matches that concern you."
                    .to_string(),
                "Please confirm your e-mail address with the link below.".to_string(),
            ],
            "Confirm my address",
        ),
    };
    NewEmail {
        unsubscribe_url: None,
        dedup_key: format!("welcome:{}", account.id),
        recipient: account.email.clone(),
        html_body: html_layout(&subject, &paragraphs, Some((label, &verify))),
        text_body: text_layout(&paragraphs, Some((label, &verify))),
        subject,
    }
}

/// A notification in both languages; `render` picks the recipient's.
pub struct Notice {
    pub subject_fr: String,
    pub subject_en: String,
    pub body_fr: Vec<String>,
    pub body_en: Vec<String>,
    /// Absolute link to the page concerned.
    pub link: String,
}

impl Notice {
    /// The subject and body in `locale`.
    pub fn localized(&self, locale: Locale) -> (&String, &Vec<String>) {
        match locale {
            Locale::Fr => (&self.subject_fr, &self.body_fr),
            Locale::En => (&self.subject_en, &self.body_en),
        }
    }

    /// Renders for one recipient; notifications carry an unsubscribe link, transactional
    /// messages (welcome, password reset) do not.
    pub fn render(
        &self,
        dedup_key: String,
        recipient: &str,
        display_name: &str,
        locale: Locale,
        unsubscribe_url: Option<String>,
    ) -> NewEmail {
        let (subject, greeting, body, label) = match locale {
            Locale::Fr => (
                &self.subject_fr,
                format!("Bonjour {display_name},"),
                &self.body_fr,
                "Voir sur PTCE Exchange",
            ),
            Locale::En => (
                &self.subject_en,
                format!("Hello {display_name},"),
                &self.body_en,
                "View on PTCE Exchange",
            ),
        };
        let mut paragraphs = vec![greeting];
        paragraphs.extend(body.iter().cloned());
        if let Some(url) = &unsubscribe_url {
            paragraphs.push(match locale {
                Locale::Fr => format!("Pour ne plus recevoir ces messages : {url}"),
                Locale::En => format!("To stop receiving these messages: {url}"),
            });
        }
        NewEmail {
            unsubscribe_url,
            dedup_key,
            recipient: recipient.to_string(),
            subject: subject.clone(),
            html_body: html_layout(subject, &paragraphs, Some((label, &self.link))),
            text_body: text_layout(&paragraphs, Some((label, &self.link))),
        }
    }
}

/// The link to choose a new password.
pub fn password_reset(
    reset_id: &str,
    email: &str,
    display_name: &str,
    locale: Locale,
    link: &str,
) -> NewEmail {
    Notice {
        subject_fr: "Choisir un nouveau mot de passe".into(),
        subject_en: "Choose a new password".into(),
        body_fr: vec![
            "Quelqu'un a demandé à réinitialiser le mot de passe de ce compte. Si c'est vous, ce lien est valable 30 minutes, une seule fois.".into(),
            "Si ce n'est pas vous, ignorez ce message : rien ne change.".into(),
        ],
        body_en: vec![
            "Someone asked to reset this account's password. If it was you, this link works once, for 30 minutes.".into(),
            "If it was not you, ignore this message: nothing changes.".into(),
        ],
        link: link.to_string(),
    }
    .render(format!("password-reset:{reset_id}"), email, display_name, locale, None)
}

/// One line of a digest.
pub struct DigestLine<'a> {
    pub subject: &'a str,
    pub summary: &'a str,
    pub link: &'a str,
}

/// The daily digest: the day's events in one email, each with its link.
#[allow(clippy::too_many_arguments)]
pub fn digest(
    dedup_key: String,
    email: &str,
    display_name: &str,
    locale: Locale,
    date: chrono::NaiveDate,
    lines: &[DigestLine<'_>],
    home: &str,
    unsubscribe_url: String,
) -> NewEmail {
    let count = lines.len();
    let (subject, greeting, intro, open_label, unsubscribe) = match locale {
        Locale::Fr => (
            format!(
                "Votre résumé PTCE Exchange du {} : {count} nouvelle{}",
                date.format("%d/%m/%Y"),
                if count > 1 { "s" } else { "" }
            ),
            format!("Bonjour {display_name},"),
            "Voici ce qui s'est passé depuis votre dernier résumé :",
            "Ouvrir PTCE Exchange",
            format!("Pour ne plus recevoir ces messages : {unsubscribe_url}"),
        ),
        Locale::En => (
            format!(
                "Your PTCE Exchange digest for {}: {count} update{}",
                date.format("%Y-%m-%d"),
                if count > 1 { "s" } else { "" }
            ),
            format!("Hello {display_name},"),
            "Here is what happened since your last digest:",
            "Open PTCE Exchange",
            format!("To stop receiving these messages: {unsubscribe_url}"),
        ),
    };
    let mut text = format!("{greeting}\n\n{intro}\n");
    let mut items = String::new();
    for line in lines {
        text.push_str(&format!(
            "\n* {}\n  {}\n  {}\n",
            line.subject, line.summary, line.link
        ));
        items.push_str(&format!(
            "<li style=\"margin-bottom:12px\"><a href=\"{}\" style=\"color:#1d5b4f;font-weight:600\">{}</a><br>{}</li>\n",
            escape_html(line.link),
            escape_html(line.subject),
            escape_html(line.summary)
        ));
    }
    text.push_str(&format!(
        "\n{open_label} : {home}\n\n{unsubscribe}\n\n-- \nPTCE Exchange\n"
    ));
    let html = format!(
        "<!doctype html>\n<html><body style=\"font-family:system-ui,sans-serif;color:#1f2933;max-width:600px\">\n<h1 style=\"font-size:20px\">{}</h1>\n<p>{}</p>\n<p>{}</p>\n<ul style=\"padding-left:18px\">\n{items}</ul>\n<p><a href=\"{}\">{}</a></p>\n<p style=\"color:#52606d;font-size:13px\">{}</p>\n<p style=\"color:#52606d;font-size:13px\">PTCE Exchange</p>\n</body></html>\n",
        escape_html(&subject),
        escape_html(&greeting),
        escape_html(intro),
        escape_html(home),
        escape_html(open_label),
        escape_html(&unsubscribe),
    );
    NewEmail {
        unsubscribe_url: Some(unsubscribe_url),
        dedup_key,
        recipient: email.to_string(),
        subject,
        text_body: text,
        html_body: html,
    }
}
