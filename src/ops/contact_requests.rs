//! The staged disclosure of a business takeover (DESIGN §2): a stranger reads the teaser,
//! sends a contact request with a message and a confidentiality commitment, and the
//! seller accepts or declines it. Only an accepted request reveals the seller, and only
//! to the enterprise that asked (see `access::disclosure_for`).

use diesel::{Connection, PgConnection};

use super::access::{disclosure_for, managed_by};
use super::limits::{self, Limited, Requester};
use super::Env;
use crate::auth::Caller;
use crate::domain::listing::{Category, Status};
use crate::domain::takeover::ContactStatus;
use crate::domain::Invalid;
use crate::email::events;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::contact_request::{self, ContactRequest, NewContactRequest};
use crate::models::enterprise;
use crate::models::ids::{ContactRequestId, EnterpriseId, ListingId};
use crate::models::listing::{self, Listing};
use crate::views::contact_requests::{ContactRequestList, ContactRequestView};

/// A buyer's request, as sent.
pub struct NewContactRequestCommand {
    /// The enterprise that asks (one the caller acts for).
    pub enterprise_id: EnterpriseId,
    /// Who the buyer is and what they intend: 1 to 2,000 characters.
    pub message: String,
    /// The buyer commits to keep what they learn confidential; required.
    pub confidentiality_accepted: bool,
}

fn view(conn: &mut PgConnection, request: ContactRequest) -> AppResult<ContactRequestView> {
    let name = enterprise::find(conn, request.enterprise_id)?.name;
    Ok(ContactRequestView {
        id: request.id,
        conversation_id: crate::domain::conversation::Subject::Contact(request.id.0).id(),
        listing_id: request.listing_id,
        enterprise_id: request.enterprise_id,
        enterprise_name: name,
        message: request.message,
        confidentiality_accepted_at: request.confidentiality_accepted_at,
        status: request.status,
        created_at: request.created_at,
        decided_at: request.decided_at,
    })
}

/// A takeover this caller may see (404 otherwise).
fn visible_takeover(
    conn: &mut PgConnection,
    caller: &Caller,
    managed: &[EnterpriseId],
    id: ListingId,
) -> AppResult<Listing> {
    let found = listing::find(conn, id)?;
    if disclosure_for(conn, Some(caller), managed, &found)?.is_none() {
        return Err(AppError::NotFound);
    }
    if found.category != Category::BusinessTakeover {
        return Err(AppError::conflict("contact_requests_for_takeovers"));
    }
    Ok(found)
}

/// Asks the seller of an open takeover to be put in touch, for an enterprise the caller
/// acts for. Counts against `[limits] contact_requests`. 422 `message_length`,
/// `must_accept` (confidentiality_accepted); 403 `not_your_enterprise`; 409
/// `contact_requests_for_takeovers`, `listing_not_open`, `own_listing`,
/// `contact_request_exists`.
pub fn request(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    requester: &Requester,
    id: ListingId,
    new: NewContactRequestCommand,
) -> AppResult<ContactRequestView> {
    let mut errors = FieldErrors::new();
    let message = new.message.trim().to_string();
    if !(1..=2000).contains(&message.chars().count()) {
        errors.add("message", Invalid::new("message_length"));
    }
    if !new.confidentiality_accepted {
        errors.add("confidentiality_accepted", Invalid::new("must_accept"));
    }
    errors.finish()?;
    let managed = managed_by(conn, Some(caller))?;
    let found = visible_takeover(conn, caller, &managed, id)?;
    limits::check(
        conn,
        env,
        Limited::ContactRequests,
        &requester.as_account(caller.id()),
    )?;
    if found.status != Status::Open {
        return Err(AppError::conflict("listing_not_open"));
    }
    if !managed.contains(&new.enterprise_id)
        || !enterprise::is_member_account(conn, new.enterprise_id, caller.id())?
    {
        return Err(AppError::forbidden("not_your_enterprise"));
    }
    if new.enterprise_id == found.enterprise_id {
        return Err(AppError::conflict("own_listing"));
    }
    let now = env.clock.now();
    conn.transaction(|conn| {
        let created = contact_request::insert(
            conn,
            &NewContactRequest {
                listing_id: id,
                enterprise_id: new.enterprise_id,
                message,
                confidentiality_accepted_at: now,
                created_by: caller.id(),
                created_at: now,
            },
        )?
        .ok_or_else(|| AppError::conflict("contact_request_exists"))?;
        let buyer = enterprise::find(conn, new.enterprise_id)?.name;
        events::contact_requested(
            conn,
            &env.links,
            &created,
            found.enterprise_id,
            &found.title,
            &buyer,
        )?;
        view(conn, created)
    })
}

/// The contact requests about a listing: all of them for its managers, their own for the
/// buyers who asked (an empty list for anyone else who may see it).
pub fn of_listing(
    conn: &mut PgConnection,
    caller: &Caller,
    id: ListingId,
) -> AppResult<ContactRequestList> {
    let managed = managed_by(conn, Some(caller))?;
    let found = listing::find(conn, id)?;
    if disclosure_for(conn, Some(caller), &managed, &found)?.is_none() {
        return Err(AppError::NotFound);
    }
    let rows = if managed.contains(&found.enterprise_id) {
        contact_request::of_listing(conn, id, None)?
    } else {
        contact_request::of_listing(conn, id, Some(&managed))?
    };
    let items = rows
        .into_iter()
        .map(|r| view(conn, r))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(ContactRequestList { items })
}

/// The seller accepts or declines a pending request. 404 for strangers, 403
/// `not_your_side` for the buyer, 409 `contact_request_already_decided`.
pub fn decide(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: ContactRequestId,
    accepted: bool,
) -> AppResult<ContactRequestView> {
    let now = env.clock.now();
    conn.transaction(|conn| {
        let request = contact_request::find_for_update(conn, id)?;
        let found = listing::find(conn, request.listing_id)?;
        let managed = managed_by(conn, Some(caller))?;
        if !managed.contains(&found.enterprise_id) {
            return if managed.contains(&request.enterprise_id) {
                Err(AppError::forbidden("not_your_side"))
            } else {
                Err(AppError::NotFound)
            };
        }
        let status = if accepted {
            ContactStatus::Accepted
        } else {
            ContactStatus::Declined
        };
        if request.status == status {
            return view(conn, request);
        }
        if request.status != ContactStatus::Pending {
            return Err(AppError::conflict("contact_request_already_decided"));
        }
        let decided = contact_request::decide(conn, id, status, caller.id(), now)?;
        events::contact_answered(conn, &env.links, &decided, &found.title)?;
        view(conn, decided)
    })
}
