//! Contact requests about a business takeover, as the seller and the buyer see them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::takeover::ContactStatus;
use crate::models::ids::{ContactRequestId, EnterpriseId, ListingId};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactRequestView {
    pub id: ContactRequestId,
    /// The conversation between buyer and seller (`contact-<id>`); the seller writes under
    /// its teaser's name until it accepts.
    #[schema(example = "contact-5")]
    pub conversation_id: String,
    pub listing_id: ListingId,
    /// The buyer's enterprise: the seller learns who asks.
    pub enterprise_id: EnterpriseId,
    pub enterprise_name: String,
    pub message: String,
    /// When the buyer committed to keep what they learn confidential.
    pub confidentiality_accepted_at: DateTime<Utc>,
    pub status: ContactStatus,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactRequestList {
    pub items: Vec<ContactRequestView>,
}
