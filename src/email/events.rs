//! Who is told what, when something happens: each event renders its emails and writes them
//! to the outbox in the caller's transaction, once per recipient (deduplication keys).
//! Accounts whose preference is not `instant` get no immediate email.

use diesel::prelude::*;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use super::messages::Notice;
use crate::domain::account::{Locale, Notifications};
use crate::domain::ledger::ExchangeStatus;
use crate::domain::listing::Kind;
use crate::models::exchange::Exchange;
use crate::models::ids::{AccountId, EnterpriseId, MatchId, PoleId};
use crate::models::ledger::Transaction;
use crate::models::{listing, matching, outbox};
use crate::schema::{accounts, enterprise_accounts, pole_coordinators};

/// Builds the absolute links of emails: pages on `app.base_url`, and unsubscribe links
/// signed with `app.secret` so they work without signing in.
#[derive(Clone)]
pub struct Links {
    base_url: String,
    secret: SecretString,
}

impl Links {
    pub fn new(base_url: &str, secret: SecretString) -> Links {
        Links {
            base_url: base_url.trim_end_matches('/').to_string(),
            secret,
        }
    }

    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    fn signature(&self, account: AccountId) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.expose_secret().as_bytes())
            .expect("HMAC takes any key");
        mac.update(format!("unsubscribe:{account}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    pub fn unsubscribe_token(&self, account: AccountId) -> String {
        format!("{account}.{}", self.signature(account))
    }

    pub fn unsubscribe_url(&self, account: AccountId) -> String {
        self.page(&format!(
            "/unsubscribe?token={}",
            self.unsubscribe_token(account)
        ))
    }

    /// The account a token was signed for, when the signature holds.
    pub fn verify_unsubscribe(&self, token: &str) -> Option<AccountId> {
        let (id, signature) = token.split_once('.')?;
        let account = AccountId(id.parse().ok()?);
        let expected = hex::decode(signature).ok()?;
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.secret.expose_secret().as_bytes()).ok()?;
        mac.update(format!("unsubscribe:{account}").as_bytes());
        mac.verify_slice(&expected).ok()?;
        Some(account)
    }
}

#[derive(Debug, Clone, Queryable)]
struct Recipient {
    id: AccountId,
    email: String,
    display_name: String,
    locale: String,
    notifications: String,
}

fn enterprise_recipients(
    conn: &mut PgConnection,
    enterprise: EnterpriseId,
) -> QueryResult<Vec<Recipient>> {
    accounts::table
        .inner_join(enterprise_accounts::table)
        .filter(enterprise_accounts::enterprise_id.eq(enterprise))
        .select((
            accounts::id,
            accounts::email,
            accounts::display_name,
            accounts::locale,
            accounts::notifications,
        ))
        .load(conn)
}

fn coordinator_recipients(
    conn: &mut PgConnection,
    poles: &[PoleId],
) -> QueryResult<Vec<Recipient>> {
    accounts::table
        .inner_join(pole_coordinators::table)
        .filter(pole_coordinators::pole_id.eq_any(poles))
        .select((
            accounts::id,
            accounts::email,
            accounts::display_name,
            accounts::locale,
            accounts::notifications,
        ))
        .load(conn)
}

/// Enqueues `notice` for each recipient who wants instant email, once per account.
fn send(
    conn: &mut PgConnection,
    links: &Links,
    mut recipients: Vec<Recipient>,
    event: &str,
    notice: &Notice,
) -> QueryResult<()> {
    recipients.sort_by_key(|r| r.id);
    recipients.dedup_by_key(|r| r.id);
    for recipient in recipients {
        if Notifications::from_db(&recipient.notifications) != Notifications::Instant {
            continue;
        }
        let email = notice.render(
            format!("{event}:to:{}", recipient.id),
            &recipient.email,
            &recipient.display_name,
            Locale::from_db(&recipient.locale),
            Some(links.unsubscribe_url(recipient.id)),
        );
        outbox::enqueue(conn, &email)?;
    }
    Ok(())
}

/// New matches: both listings' enterprises are told, with the score and the other
/// listing's title (a title is part of a takeover's public teaser, nothing more is said).
pub fn new_matches(conn: &mut PgConnection, links: &Links, ids: &[MatchId]) -> QueryResult<()> {
    for id in ids {
        let found = matching::find(conn, *id)?;
        let offer = listing::find(conn, found.offer_id)?;
        let need = listing::find(conn, found.need_id)?;
        for (mine, other) in [(&offer, &need), (&need, &offer)] {
            let notice = Notice {
                subject_fr: format!("Nouvelle correspondance ({} / 100) pour « {} »", found.score, mine.title),
                subject_en: format!("New match ({} / 100) for “{}”", found.score, mine.title),
                body_fr: vec![format!(
                    "Votre annonce « {} » correspond à « {} », avec un score de {} sur 100. Vous pouvez l'accepter ou la refuser.",
                    mine.title, other.title, found.score
                )],
                body_en: vec![format!(
                    "Your listing “{}” matches “{}”, with a score of {} out of 100. You can accept or decline it.",
                    mine.title, other.title, found.score
                )],
                link: links.page(&format!("/listings/{}", mine.id)),
            };
            let recipients = enterprise_recipients(conn, mine.enterprise_id)?;
            send(
                conn,
                links,
                recipients,
                &format!("match:{}:new:{}", found.id, mine.id),
                &notice,
            )?;
        }
    }
    Ok(())
}

/// One side answered: the other side is told.
pub fn match_answered(
    conn: &mut PgConnection,
    links: &Links,
    found: &matching::Match,
    side: Kind,
    accepted: bool,
) -> QueryResult<()> {
    let offer = listing::find(conn, found.offer_id)?;
    let need = listing::find(conn, found.need_id)?;
    let (answering, other) = match side {
        Kind::Offer => (&offer, &need),
        Kind::Need => (&need, &offer),
    };
    let (verb_fr, verb_en) = if accepted {
        ("accepté", "accepted")
    } else {
        ("refusé", "declined")
    };
    let notice = Notice {
        subject_fr: format!("Correspondance {verb_fr}e pour « {} »", other.title),
        subject_en: format!("Match {verb_en} for “{}”", other.title),
        body_fr: vec![format!(
            "L'autre partie a {verb_fr} la correspondance entre « {} » et « {} ».",
            other.title, answering.title
        )],
        body_en: vec![format!(
            "The other side {verb_en} the match between “{}” and “{}”.",
            other.title, answering.title
        )],
        link: links.page(&format!("/listings/{}", other.id)),
    };
    let recipients = enterprise_recipients(conn, other.enterprise_id)?;
    send(
        conn,
        links,
        recipients,
        &format!(
            "match:{}:{}:{}",
            found.id,
            side.as_str(),
            if accepted { "accepted" } else { "declined" }
        ),
        &notice,
    )
}

/// Both enterprises and the coordinators of both pôles.
fn exchange_recipients(
    conn: &mut PgConnection,
    exchange: &Exchange,
) -> QueryResult<Vec<Recipient>> {
    let mut recipients = enterprise_recipients(conn, exchange.provider_enterprise_id)?;
    recipients.extend(enterprise_recipients(
        conn,
        exchange.beneficiary_enterprise_id,
    )?);
    let poles: Vec<PoleId> = [exchange.provider_pole_id, exchange.beneficiary_pole_id]
        .into_iter()
        .flatten()
        .collect();
    recipients.extend(coordinator_recipients(conn, &poles)?);
    Ok(recipients)
}

fn status_label(status: ExchangeStatus) -> (&'static str, &'static str) {
    match status {
        ExchangeStatus::Agreed => ("convenu", "agreed"),
        ExchangeStatus::InProgress => ("en cours", "in progress"),
        ExchangeStatus::Completed => ("terminé", "completed"),
        ExchangeStatus::Cancelled => ("annulé", "cancelled"),
    }
}

pub fn exchange_created(
    conn: &mut PgConnection,
    links: &Links,
    exchange: &Exchange,
) -> QueryResult<()> {
    let names = crate::models::enterprise::names(
        conn,
        &[
            exchange.provider_enterprise_id,
            exchange.beneficiary_enterprise_id,
        ],
    )?;
    let provider = names
        .get(&exchange.provider_enterprise_id)
        .cloned()
        .unwrap_or_default();
    let beneficiary = names
        .get(&exchange.beneficiary_enterprise_id)
        .cloned()
        .unwrap_or_default();
    let notice = Notice {
        subject_fr: format!("Nouvel échange : {}", exchange.title),
        subject_en: format!("New exchange: {}", exchange.title),
        body_fr: vec![format!(
            "{provider} et {beneficiary} ont conclu l'échange « {} ».",
            exchange.title
        )],
        body_en: vec![format!(
            "{provider} and {beneficiary} agreed on the exchange “{}”.",
            exchange.title
        )],
        link: links.page(&format!("/exchanges/{}", exchange.id)),
    };
    let recipients = exchange_recipients(conn, exchange)?;
    send(
        conn,
        links,
        recipients,
        &format!("exchange:{}:created", exchange.id),
        &notice,
    )
}

pub fn exchange_status_changed(
    conn: &mut PgConnection,
    links: &Links,
    exchange: &Exchange,
    status: ExchangeStatus,
) -> QueryResult<()> {
    let (fr, en) = status_label(status);
    let notice = Notice {
        subject_fr: format!("Échange {fr} : {}", exchange.title),
        subject_en: format!("Exchange {en}: {}", exchange.title),
        body_fr: vec![format!(
            "L'échange « {} » est maintenant {fr}.",
            exchange.title
        )],
        body_en: vec![format!("The exchange “{}” is now {en}.", exchange.title)],
        link: links.page(&format!("/exchanges/{}", exchange.id)),
    };
    let recipients = exchange_recipients(conn, exchange)?;
    send(
        conn,
        links,
        recipients,
        &format!("exchange:{}:status:{}", exchange.id, status.as_str()),
        &notice,
    )
}

pub fn transaction_recorded(
    conn: &mut PgConnection,
    links: &Links,
    exchange: &Exchange,
    transaction: &Transaction,
) -> QueryResult<()> {
    let reversal = transaction.reverses_id.is_some();
    let amount_fr = crate::domain::decimal::french(transaction.amount_incl_tax);
    let amount_en = transaction.amount_incl_tax.to_string();
    let notice = Notice {
        subject_fr: format!(
            "{} sur « {} »",
            if reversal {
                "Opération annulée"
            } else {
                "Opération enregistrée"
            },
            exchange.title
        ),
        subject_en: format!(
            "{} on “{}”",
            if reversal {
                "Transaction reversed"
            } else {
                "Transaction recorded"
            },
            exchange.title
        ),
        body_fr: vec![format!(
            "Montant TTC : {amount_fr} €. {}",
            transaction.description
        )],
        body_en: vec![format!(
            "Amount including tax: €{amount_en}. {}",
            transaction.description
        )],
        link: links.page(&format!("/exchanges/{}", exchange.id)),
    };
    let recipients = exchange_recipients(conn, exchange)?;
    send(
        conn,
        links,
        recipients,
        &format!("transaction:{}", transaction.id),
        &notice,
    )
}

pub fn membership_requested(
    conn: &mut PgConnection,
    links: &Links,
    pole: PoleId,
    pole_slug: &str,
    enterprise: EnterpriseId,
    name: &str,
) -> QueryResult<()> {
    let notice = Notice {
        subject_fr: format!("{name} demande à rejoindre votre pôle"),
        subject_en: format!("{name} asks to join your pôle"),
        body_fr: vec![format!(
            "L'entreprise {name} demande à rejoindre le pôle. Vous pouvez approuver son adhésion."
        )],
        body_en: vec![format!(
            "The enterprise {name} asks to join the pôle. You can approve its membership."
        )],
        link: links.page(&format!("/poles/{pole_slug}")),
    };
    let recipients = coordinator_recipients(conn, &[pole])?;
    send(
        conn,
        links,
        recipients,
        &format!("membership:{}:{}:requested", pole, enterprise),
        &notice,
    )
}

pub fn membership_approved(
    conn: &mut PgConnection,
    links: &Links,
    pole_slug: &str,
    pole_name: &str,
    pole: PoleId,
    enterprise: EnterpriseId,
) -> QueryResult<()> {
    let notice = Notice {
        subject_fr: format!("Bienvenue dans le pôle {pole_name}"),
        subject_en: format!("Welcome to {pole_name}"),
        body_fr: vec![format!("Votre adhésion au pôle {pole_name} est approuvée : vos annonces sont maintenant visibles et peuvent trouver des correspondances.")],
        body_en: vec![format!("Your membership of {pole_name} is approved: your listings are now visible and can be matched.")],
        link: links.page(&format!("/poles/{pole_slug}")),
    };
    let recipients = enterprise_recipients(conn, enterprise)?;
    send(
        conn,
        links,
        recipients,
        &format!("membership:{}:{}:approved", pole, enterprise),
        &notice,
    )
}
