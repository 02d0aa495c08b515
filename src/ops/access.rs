//! Who may see a listing, and how much of it: the enterprises a caller manages, and the
//! staged disclosure of a confidential takeover (DESIGN §2). Every operation that shows a
//! listing, a match or a proposal asks here.

use diesel::PgConnection;

use crate::auth::Caller;
use crate::domain::listing::{Category, Status, Visibility};
use crate::error::AppResult;
use crate::models::ids::EnterpriseId;
use crate::models::listing::{self, Listing};
use crate::views::listings::Disclosure;

/// Enterprises a caller manages: its own, and those of the pôles it coordinates.
pub fn managed_by(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
) -> AppResult<Vec<EnterpriseId>> {
    Ok(match caller {
        Some(c) => listing::managed_enterprises(conn, c.id())?,
        None => Vec::new(),
    })
}

/// Can this caller see the listing at all, and how much of it? Drafts and listings of
/// enterprises not yet approved are their managers' only; `members` listings need a
/// session; a takeover is a teaser until its owner accepts the caller (a match, a
/// proposal or a contact request accepted).
pub fn disclosure_for(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    managed: &[EnterpriseId],
    found: &Listing,
) -> AppResult<Option<Disclosure>> {
    if managed.contains(&found.enterprise_id) {
        return Ok(Some(Disclosure::Full));
    }
    let public = found.status == Status::Open
        && listing::enterprise_is_approved(conn, found.enterprise_id)?
        && (caller.is_some() || found.visibility == Visibility::Public);
    let counterpart = listing::has_accepted_counterpart(conn, found.id, managed)?;
    if !public && !counterpart {
        return Ok(None);
    }
    if found.category == Category::BusinessTakeover && !counterpart {
        return Ok(Some(Disclosure::Teaser));
    }
    Ok(Some(Disclosure::Full))
}
