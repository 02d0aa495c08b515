//! Who is told what, when something happens: each event renders its emails and writes them
//! to the outbox in the caller's transaction, once per recipient (deduplication keys).
//! Each event belongs to a family; an account's preference for that family decides whether
//! it is emailed now, kept for the daily digest, or not told.

use diesel::prelude::*;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use super::messages::Notice;
use crate::domain::account::{Family, Locale, Notifications};
use crate::domain::ledger::ExchangeStatus;
use crate::domain::listing::Kind;
use crate::models::exchange::Exchange;
use crate::models::ids::{AccountId, EnterpriseId, MatchId, PoleId};
use crate::models::ledger::Transaction;
use crate::models::{alert, digest, listing, matching, outbox};
use crate::schema::{accounts, enterprise_accounts, pole_coordinators};

/// Builds the absolute links of emails: pages on `app.base_url`, and unsubscribe links
/// signed with `app.secret` so they work without signing in.
#[derive(Clone, Debug)]
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

    /// HMAC-SHA256 of `purpose:payload` with the service's secret: links that prove
    /// themselves without a stored token.
    fn signature(&self, purpose: &str, payload: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.expose_secret().as_bytes())
            .expect("HMAC takes any key");
        mac.update(format!("{purpose}:{payload}").as_bytes());
        mac
    }

    fn sign(&self, purpose: &str, account: AccountId, payload: &str) -> String {
        let mac = self.signature(purpose, payload);
        format!("{account}.{}", hex::encode(mac.finalize().into_bytes()))
    }

    /// The account a `sign`ed token names, when its signature holds for `payload(account)`.
    fn verify(
        &self,
        purpose: &str,
        token: &str,
        payload: impl FnOnce(AccountId) -> Option<String>,
    ) -> Option<AccountId> {
        let (id, signature) = token.trim().split_once('.')?;
        let account = AccountId(id.parse().ok()?);
        let expected = hex::decode(signature).ok()?;
        let payload = payload(account)?;
        self.signature(purpose, &payload)
            .verify_slice(&expected)
            .ok()?;
        Some(account)
    }

    pub fn unsubscribe_token(&self, account: AccountId) -> String {
        self.sign("unsubscribe", account, &account.to_string())
    }

    pub fn unsubscribe_url(&self, account: AccountId) -> String {
        self.page(&format!(
            "/unsubscribe?token={}",
            self.unsubscribe_token(account)
        ))
    }

    /// The account a token was signed for, when the signature holds.
    pub fn verify_unsubscribe(&self, token: &str) -> Option<AccountId> {
        self.verify("unsubscribe", token, |account| Some(account.to_string()))
    }

    /// A token for the welcome email's verification link: bound to the address, so it
    /// stops working if the address changes.
    pub fn email_verification_token(&self, account: AccountId, email: &str) -> String {
        self.sign("verify-email", account, &format!("{account}:{email}"))
    }

    pub fn email_verification_url(&self, account: AccountId, email: &str) -> String {
        self.page(&format!(
            "/verify-email?token={}",
            self.email_verification_token(account, email)
        ))
    }

    /// The account whose current address `email_of` returns, when the token was signed
    /// for that account and that address.
    pub fn verify_email_token(
        &self,
        token: &str,
        email_of: impl FnOnce(AccountId) -> Option<String>,
    ) -> Option<AccountId> {
        self.verify("verify-email", token, |account| {
            email_of(account).map(|email| format!("{account}:{email}"))
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
struct Recipient {
    id: AccountId,
    email: String,
    display_name: String,
    locale: String,
    notify_matches: String,
    notify_exchanges: String,
    notify_memberships: String,
    notify_listings: String,
    notify_alerts: String,
}

impl Recipient {
    fn preference(&self, family: Family) -> Notifications {
        Notifications::from_db(match family {
            Family::Matches => &self.notify_matches,
            Family::Exchanges => &self.notify_exchanges,
            Family::Memberships => &self.notify_memberships,
            Family::Listings => &self.notify_listings,
            Family::Alerts => &self.notify_alerts,
        })
    }
}

fn enterprise_recipients(
    conn: &mut PgConnection,
    enterprise: EnterpriseId,
) -> QueryResult<Vec<Recipient>> {
    accounts::table
        .inner_join(enterprise_accounts::table)
        .filter(enterprise_accounts::enterprise_id.eq(enterprise))
        .select(Recipient::as_select())
        .load(conn)
}

fn coordinator_recipients(
    conn: &mut PgConnection,
    poles: &[PoleId],
) -> QueryResult<Vec<Recipient>> {
    accounts::table
        .inner_join(pole_coordinators::table)
        .filter(pole_coordinators::pole_id.eq_any(poles))
        .select(Recipient::as_select())
        .load(conn)
}

/// Tells each recipient once, after their preference for `family`: an email now, an item
/// of the daily digest, or nothing.
fn send(
    conn: &mut PgConnection,
    links: &Links,
    mut recipients: Vec<Recipient>,
    family: Family,
    event: &str,
    notice: &Notice,
) -> QueryResult<()> {
    recipients.sort_by_key(|r| r.id);
    recipients.dedup_by_key(|r| r.id);
    let mut batch = Deliveries::default();
    for recipient in &recipients {
        let choice = recipient.preference(family);
        batch.add(links, recipient, family, choice, event, notice);
    }
    batch.write(conn)
}

/// Emails and digest items of one event, written together: one statement each however
/// many recipients there are.
#[derive(Default)]
struct Deliveries {
    emails: Vec<outbox::NewEmail>,
    digest_items: Vec<digest::NewDigestItem>,
}

impl Deliveries {
    fn add(
        &mut self,
        links: &Links,
        recipient: &Recipient,
        family: Family,
        choice: Notifications,
        event: &str,
        notice: &Notice,
    ) {
        let dedup_key = format!("{event}:to:{}", recipient.id);
        let locale = Locale::from_db(&recipient.locale);
        match choice {
            Notifications::Off => {}
            Notifications::Instant => self.emails.push(notice.render(
                dedup_key,
                &recipient.email,
                &recipient.display_name,
                locale,
                Some(links.unsubscribe_url(recipient.id)),
            )),
            Notifications::Daily => {
                let (subject, body) = notice.localized(locale);
                self.digest_items.push(digest::NewDigestItem {
                    account_id: recipient.id,
                    dedup_key,
                    family: family.as_str().to_string(),
                    subject: subject.clone(),
                    summary: body.join(" "),
                    link: notice.link.clone(),
                });
            }
        }
    }

    fn write(self, conn: &mut PgConnection) -> QueryResult<()> {
        outbox::enqueue_all(conn, &self.emails)?;
        digest::add_all(conn, &self.digest_items)?;
        Ok(())
    }
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
                Family::Matches,
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
        Family::Matches,
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
        Family::Exchanges,
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
        Family::Exchanges,
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
    let amount_fr = crate::domain::decimal::french_money(transaction.amount_incl_tax);
    let amount_en = {
        let mut cents = crate::domain::decimal::round_cents(transaction.amount_incl_tax);
        cents.rescale(2);
        cents.to_string()
    };
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
        Family::Exchanges,
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
        Family::Memberships,
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
        Family::Memberships,
        &format!("membership:{}:{}:approved", pole, enterprise),
        &notice,
    )
}

/// A listing opened (or changed while open): it is queued for its alerts, in the same
/// transaction, and the worker tells them ([`tell_alerts`]). Finding and writing the emails
/// of dozens of alerts would otherwise make every publication wait for them.
pub fn listing_opened(conn: &mut PgConnection, opened: &listing::Listing) -> QueryResult<()> {
    if opened.status() != crate::domain::listing::Status::Open {
        return Ok(());
    }
    alert::queue(conn, opened.id)
}

/// Tells the alerts of one queued listing, if it is still open and visible: the owners of
/// the alerts it fits are told, once per listing and alert, at the alert's frequency unless
/// their preference for alerts asks for less. Only a title and place are said, a takeover's
/// public teaser. Returns how many alerts it fitted for the first time.
pub fn tell_alerts(
    conn: &mut PgConnection,
    links: &Links,
    opened: &listing::Listing,
) -> QueryResult<usize> {
    let visible = opened.status() == crate::domain::listing::Status::Open
        && listing::enterprise_is_approved(conn, opened.enterprise_id)?;
    if !visible {
        return Ok(0);
    }
    let hits = alert::record_hits(conn, opened)?;
    if hits.is_empty() {
        return Ok(0);
    }
    let place = crate::models::reference::find_commune(conn, &opened.commune_code)?
        .map(|commune| commune.name)
        .unwrap_or_default();
    let (kind_fr, kind_en) = match opened.kind() {
        Kind::Offer => ("Nouvelle offre", "New offer"),
        Kind::Need => ("Nouveau besoin", "New need"),
    };
    let category = opened.category();
    let notice = Notice {
        subject_fr: format!("{kind_fr} pour votre alerte : {}", opened.title),
        subject_en: format!("{kind_en} for your alert: {}", opened.title),
        body_fr: vec![format!(
            "« {} » ({}, {place}) correspond à une de vos recherches enregistrées.",
            opened.title,
            category.label_fr()
        )],
        body_en: vec![format!(
            "“{}” ({}, {place}) fits one of your saved searches.",
            opened.title,
            category.label_en()
        )],
        link: links.page(&format!("/listings/{}", opened.id)),
    };
    let owners: Vec<AccountId> = hits.iter().map(|hit| hit.account_id).collect();
    let recipients: Vec<Recipient> = accounts::table
        .filter(accounts::id.eq_any(&owners))
        .select(Recipient::as_select())
        .load(conn)?;
    let by_id: std::collections::HashMap<AccountId, &Recipient> =
        recipients.iter().map(|r| (r.id, r)).collect();
    let mut batch = Deliveries::default();
    for hit in &hits {
        let Some(recipient) = by_id.get(&hit.account_id) else {
            continue;
        };
        let choice =
            Notifications::from_db(&hit.frequency).at_most(recipient.preference(Family::Alerts));
        batch.add(
            links,
            recipient,
            Family::Alerts,
            choice,
            &format!("alert:{}:listing:{}", hit.alert_id, opened.id),
            &notice,
        );
    }
    batch.write(conn)?;
    Ok(hits.len())
}

/// The listing ends in three days or less: its enterprise is told once per end date, so
/// that it can extend it.
pub fn listing_expiring(
    conn: &mut PgConnection,
    links: &Links,
    expiring: &listing::Listing,
) -> QueryResult<()> {
    let Some(until) = expiring.valid_until else {
        return Ok(());
    };
    let date_fr = until.format("%d/%m/%Y").to_string();
    let date_en = until.format("%Y-%m-%d").to_string();
    let notice = Notice {
        subject_fr: format!("Votre annonce « {} » expire le {date_fr}", expiring.title),
        subject_en: format!("Your listing “{}” expires on {date_en}", expiring.title),
        body_fr: vec![format!(
            "Votre annonce « {} » sera close le {date_fr}. Pour la garder ouverte, repoussez sa date de fin.",
            expiring.title
        )],
        body_en: vec![format!(
            "Your listing “{}” closes on {date_en}. To keep it open, move its end date later.",
            expiring.title
        )],
        link: links.page(&format!("/listings/{}", expiring.id)),
    };
    let recipients = enterprise_recipients(conn, expiring.enterprise_id)?;
    send(
        conn,
        links,
        recipients,
        Family::Listings,
        &format!("listing:{}:expiring:{until}", expiring.id),
        &notice,
    )
}
