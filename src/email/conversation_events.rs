//! Who is told what about conversations and the follow-up of exchanges: unread messages
//! (batched), proposals received, and the reminder of an exchange left agreed. Same rules as
//! `events`: written to the outbox in the caller's transaction, once per recipient.

use diesel::PgConnection;
use diesel::QueryResult;

use super::events::{enterprise_recipients, exchange_recipients, send};
use super::messages::{Addressee, Notice};
use crate::domain::account::Family;
use crate::domain::ledger::ExchangeStatus;
use crate::links::Links;
use crate::models::account::Recipient;
use crate::models::exchange::Exchange;
use crate::models::ids::AccountId;
use crate::models::{listing, outbox};

/// Unread messages in a conversation, told once the batching delay has passed: one email
/// (or digest item) for all the messages written meanwhile, after the reader's preference
/// for the `messages` family.
#[allow(clippy::too_many_arguments)]
pub fn new_messages(
    conn: &mut PgConnection,
    links: &Links,
    recipient: &Recipient,
    conversation: &str,
    title: &str,
    count: i64,
    from: &str,
    excerpt: &str,
    newest: i64,
) -> QueryResult<()> {
    let notice = Notice::new(
        "email-new-messages",
        links.page(&format!("/conversations/{conversation}")),
    )
    .with("title", title)
    .with("count", count)
    .with("from", from)
    .with("excerpt", excerpt);
    send(
        conn,
        links,
        vec![recipient.clone()],
        Family::Messages,
        &format!("messages:{conversation}:up-to:{newest}"),
        &notice,
    )
}

/// A proposal received on a listing: its enterprise's accounts are told (family
/// `matches`), with a link to the listing where they answer it.
pub fn proposal_received(
    conn: &mut PgConnection,
    links: &Links,
    answered: &listing::Listing,
    proposal: &crate::models::exchange::Proposal,
) -> QueryResult<()> {
    let from = crate::models::enterprise::find(conn, proposal.enterprise_id)?.name;
    let notice = Notice::new(
        "email-proposal-received",
        links.page(&format!("/listings/{}", answered.id)),
    )
    .with("title", &answered.title)
    .with("from", from);
    let recipients = enterprise_recipients(conn, answered.enterprise_id)?;
    send(
        conn,
        links,
        recipients,
        Family::Matches,
        &format!("proposal:{}:received", proposal.id),
        &notice,
    )
}

/// The follow-up of an exchange still agreed after the delay: each person of both sides
/// and their coordinators gets one email whose links say how it went, each signed for that
/// person (always sent: it is about an agreement already made).
pub fn exchange_follow_up(
    conn: &mut PgConnection,
    links: &Links,
    exchange: &Exchange,
    link_for: impl Fn(AccountId, ExchangeStatus) -> String,
) -> QueryResult<()> {
    let mut recipients = exchange_recipients(conn, exchange)?;
    recipients.sort_by_key(|r| r.id);
    recipients.dedup_by_key(|r| r.id);
    let emails: Vec<outbox::NewEmail> = recipients
        .iter()
        .map(|recipient| {
            Notice::new(
                "email-exchange-follow-up",
                links.page(&format!("/exchanges/{}", exchange.id)),
            )
            .with("title", exchange.title.as_str())
            .with(
                "in_progress",
                link_for(recipient.id, ExchangeStatus::InProgress),
            )
            .with(
                "completed",
                link_for(recipient.id, ExchangeStatus::Completed),
            )
            .with(
                "cancelled",
                link_for(recipient.id, ExchangeStatus::Cancelled),
            )
            .render(
                format!("exchange:{}:follow-up:to:{}", exchange.id, recipient.id),
                &Addressee::from(recipient),
                Some(links.unsubscribe_url(recipient.id)),
            )
        })
        .collect();
    outbox::enqueue_all(conn, &emails).map(|_| ())
}
