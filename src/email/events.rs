//! Who is told what, when something happens: each event renders its emails and writes them
//! to the outbox in the caller's transaction, once per recipient (deduplication keys).
//! Each event belongs to a family; an account's preference for that family decides whether
//! it is emailed now, kept for the daily digest, or not told.

use diesel::PgConnection;
use diesel::QueryResult;

use super::messages::{Addressee, Notice};
use crate::domain::account::{Family, Notifications};
use crate::domain::ledger::ExchangeStatus;
use crate::domain::listing::{Kind, Status};
use crate::domain::takeover::ContactStatus;
use crate::domain::Arg;
use crate::i18n::words;
pub use crate::links::Links;
use crate::models::account::{self, Recipient};
use crate::models::contact_request::ContactRequest;
use crate::models::exchange::Exchange;
use crate::models::ids::{AccountId, EnterpriseId, ListingId, MatchId, PoleId};
use crate::models::ledger::Transaction;
use crate::models::{alert, digest, listing, matching, outbox};

pub(super) fn enterprise_recipients(
    conn: &mut PgConnection,
    enterprise: EnterpriseId,
) -> QueryResult<Vec<Recipient>> {
    account::recipients_of_enterprise(conn, enterprise)
}

fn coordinator_recipients(
    conn: &mut PgConnection,
    poles: &[PoleId],
) -> QueryResult<Vec<Recipient>> {
    account::recipients_coordinating(conn, poles)
}

/// Tells each recipient once, after their preference for `family`: an email now, an item
/// of the daily digest, or nothing.
pub(super) fn send(
    conn: &mut PgConnection,
    links: &Links,
    recipients: Vec<Recipient>,
    family: Family,
    event: &str,
    notice: &Notice,
) -> QueryResult<()> {
    send_with_calendar(conn, links, recipients, family, event, notice, None)
}

/// As [`send`], with an iCalendar file attached to the emails sent now (a digest item
/// carries the link only).
pub(super) fn send_with_calendar(
    conn: &mut PgConnection,
    links: &Links,
    mut recipients: Vec<Recipient>,
    family: Family,
    event: &str,
    notice: &Notice,
    calendar_ics: Option<&str>,
) -> QueryResult<()> {
    recipients.sort_by_key(|r| r.id);
    recipients.dedup_by_key(|r| r.id);
    let mut batch = Deliveries::default();
    for recipient in &recipients {
        let choice = recipient.preference(family);
        batch.add(links, recipient, family, choice, event, notice);
    }
    for email in &mut batch.emails {
        email.calendar_ics = calendar_ics.map(String::from);
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
        match choice {
            Notifications::Off => {}
            Notifications::Instant => self.emails.push(notice.render(
                dedup_key,
                &Addressee::from(recipient),
                Some(links.unsubscribe_url(recipient.id)),
            )),
            Notifications::Daily => {
                let words = words(recipient.locale);
                self.digest_items.push(digest::NewDigestItem {
                    account_id: recipient.id,
                    dedup_key,
                    family,
                    subject: notice.subject(words),
                    summary: notice.body(words).join(" "),
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

/// New matches found by one publication: each person of either side is told once, in one
/// email listing their new matches best first (with the score and the other listing's
/// title: a title is part of a takeover's public teaser, nothing more is said).
pub fn new_matches(conn: &mut PgConnection, links: &Links, ids: &[MatchId]) -> QueryResult<()> {
    // recipient id → (recipient, [(score, my listing, my title, other title)])
    type Told = (Recipient, Vec<(i16, ListingId, String, String)>);
    let mut told: std::collections::BTreeMap<AccountId, Told> = Default::default();
    for id in ids {
        let found = matching::find(conn, *id)?;
        let offer = listing::find(conn, found.offer_id)?;
        let need = listing::find(conn, found.need_id)?;
        for (mine, other) in [(&offer, &need), (&need, &offer)] {
            for recipient in enterprise_recipients(conn, mine.enterprise_id)? {
                told.entry(recipient.id)
                    .or_insert_with(|| (recipient, Vec::new()))
                    .1
                    .push((
                        found.score,
                        mine.id,
                        mine.title.clone(),
                        other.title.clone(),
                    ));
            }
        }
    }
    let event = match (ids.iter().min(), ids.iter().max()) {
        (Some(first), Some(last)) => format!("matches:{first}-{last}"),
        _ => return Ok(()),
    };
    let mut batch = Deliveries::default();
    for (recipient, mut found) in told.into_values() {
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let page = match found.iter().all(|f| f.1 == found[0].1) {
            true => format!("/listings/{}", found[0].1),
            false => "/dashboard".to_string(),
        };
        let notice = if let [(score, _, mine, other)] = found.as_slice() {
            Notice::new("email-new-match", links.page(&page))
                .with("score", i64::from(*score))
                .with("mine", mine)
                .with("other", other)
        } else {
            let words = words(recipient.locale);
            let lines: Vec<String> = found
                .iter()
                .map(|(score, _, mine, other)| {
                    words.t_args(
                        "email-new-matches-line",
                        &[
                            ("score", Arg::from(i64::from(*score))),
                            ("mine", Arg::from(mine)),
                            ("other", Arg::from(other)),
                        ],
                    )
                })
                .collect();
            Notice::new("email-new-matches", links.page(&page))
                .with("count", found.len())
                .with("lines", lines.join("\n"))
        };
        let choice = recipient.preference(Family::Matches);
        batch.add(links, &recipient, Family::Matches, choice, &event, &notice);
    }
    batch.write(conn)
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
    let key = if accepted {
        "email-match-accepted"
    } else {
        "email-match-declined"
    };
    let notice = Notice::new(key, links.page(&format!("/listings/{}", other.id)))
        .with("mine", &other.title)
        .with("other", &answering.title);
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
pub(super) fn exchange_recipients(
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
    let notice = Notice::new(
        "email-exchange-created",
        links.page(&format!("/exchanges/{}", exchange.id)),
    )
    .with("title", &exchange.title)
    .with("provider", provider)
    .with("beneficiary", beneficiary);
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
    let notice = Notice::new(
        "email-exchange-status",
        links.page(&format!("/exchanges/{}", exchange.id)),
    )
    .with("title", &exchange.title)
    .with("status", status.as_str());
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
    let key = if transaction.reverses_id.is_some() {
        "email-transaction-reversed"
    } else {
        "email-transaction-recorded"
    };
    let notice = Notice::new(key, links.page(&format!("/exchanges/{}", exchange.id)))
        .with("title", &exchange.title)
        .with("amount", Arg::Money(transaction.amount_incl_tax))
        .with("description", &transaction.description);
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
    let notice = Notice::new(
        "email-membership-requested",
        links.page(&format!("/poles/{pole_slug}")),
    )
    .with("enterprise", name);
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
    let notice = Notice::new(
        "email-membership-approved",
        links.page(&format!("/poles/{pole_slug}")),
    )
    .with("pole", pole_name);
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
    if opened.status != Status::Open {
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
    let visible = opened.status == Status::Open
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
    let key = match opened.kind {
        Kind::Offer => "email-alert-offer",
        Kind::Need => "email-alert-need",
    };
    let notice = Notice::new(key, links.page(&format!("/listings/{}", opened.id)))
        .with("title", &opened.title)
        .with("category", opened.category.as_str())
        .with("place", place);
    let owners: Vec<AccountId> = hits.iter().map(|hit| hit.account_id).collect();
    let recipients = account::recipients(conn, &owners)?;
    let by_id: std::collections::HashMap<AccountId, &Recipient> =
        recipients.iter().map(|r| (r.id, r)).collect();
    let mut batch = Deliveries::default();
    for hit in &hits {
        let Some(recipient) = by_id.get(&hit.account_id) else {
            continue;
        };
        let choice = hit
            .frequency
            .as_notifications()
            .at_most(recipient.preference(Family::Alerts));
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
    let notice = Notice::new(
        "email-listing-expiring",
        links.page(&format!("/listings/{}", expiring.id)),
    )
    .with("title", &expiring.title)
    .with("date", Arg::Date(until));
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

/// A would-be buyer asks the seller of a takeover to be put in touch: the seller's
/// accounts are told who asks, and why.
pub fn contact_requested(
    conn: &mut PgConnection,
    links: &Links,
    request: &ContactRequest,
    seller: EnterpriseId,
    title: &str,
    buyer_name: &str,
) -> QueryResult<()> {
    let notice = Notice::new(
        "email-contact-requested",
        links.page(&format!(
            "/listings/{}#contact-requests",
            request.listing_id
        )),
    )
    .with("title", title)
    .with("buyer", buyer_name);
    let recipients = enterprise_recipients(conn, seller)?;
    send(
        conn,
        links,
        recipients,
        Family::Matches,
        &format!("contact:{}:requested", request.id),
        &notice,
    )
}

/// The seller answered a contact request: the buyer's accounts are told; an accepted
/// request opens the whole listing to them.
pub fn contact_answered(
    conn: &mut PgConnection,
    links: &Links,
    request: &ContactRequest,
    title: &str,
) -> QueryResult<()> {
    let key = match request.status {
        ContactStatus::Accepted => "email-contact-accepted",
        _ => "email-contact-declined",
    };
    let notice = Notice::new(
        key,
        links.page(&format!("/listings/{}", request.listing_id)),
    )
    .with("title", title);
    let recipients = enterprise_recipients(conn, request.enterprise_id)?;
    send(
        conn,
        links,
        recipients,
        Family::Matches,
        &format!("contact:{}:{}", request.id, request.status.as_str()),
        &notice,
    )
}
