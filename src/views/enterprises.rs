//! Enterprises and their pôle memberships.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::enterprise::{LegalForm, MembershipStatus};
use crate::models::enterprise::{Enterprise, MembershipRow};
use crate::models::ids::EnterpriseId;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MembershipView {
    /// The pôle's slug.
    pub pole: String,
    pub pole_name: String,
    pub status: MembershipStatus,
    pub requested_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
}

impl From<MembershipRow> for MembershipView {
    fn from(m: MembershipRow) -> Self {
        MembershipView {
            pole: m.pole_slug,
            pole_name: m.pole_name,
            status: m.status,
            requested_at: m.requested_at,
            approved_at: m.approved_at,
        }
    }
}

/// An enterprise. Anonymous visitors see neither its commune nor its headcount: with its
/// sector they would single out a business for sale (see `ops::takeovers`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnterpriseView {
    pub id: EnterpriseId,
    pub siret: String,
    pub name: String,
    pub legal_form: LegalForm,
    pub ess: bool,
    pub naf: String,
    /// INSEE code; signed-in callers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    /// Signed-in callers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headcount: Option<i32>,
    pub memberships: Vec<MembershipView>,
    pub created_at: DateTime<Utc>,
}

impl EnterpriseView {
    pub fn new(found: Enterprise, memberships: Vec<MembershipView>, signed_in: bool) -> Self {
        EnterpriseView {
            id: found.id,
            siret: found.siret,
            name: found.name,
            legal_form: found.legal_form,
            ess: found.ess,
            naf: found.naf_code,
            commune: signed_in.then_some(found.commune_code),
            headcount: signed_in.then_some(found.headcount),
            memberships,
            created_at: found.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnterpriseList {
    pub items: Vec<EnterpriseView>,
}
