//! Pôles as the directory and a pôle's page show them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::models::ids::{AccountId, EnterpriseId};
use crate::models::pole::PoleDetails;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoordinatorView {
    pub id: AccountId,
    pub display_name: String,
    /// How to reach the coordinator; given to signed-in accounts only, on a pôle's own
    /// page (not in the directory), so that addresses are not harvested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A member enterprise in a pôle's directory. Its commune is shown to signed-in accounts
/// only: with the sector, it would single out a business for sale.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub id: EnterpriseId,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    pub naf: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PoleView {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// INSEE code of the home commune.
    pub commune: String,
    pub departements: Vec<String>,
    pub coordinators: Vec<CoordinatorView>,
    pub member_count: i64,
    /// Approved member enterprises (on a single pôle's page only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberView>>,
}

impl PoleView {
    /// A pôle's view; `with_contacts` gives the coordinators' emails (see
    /// [`CoordinatorView::email`]).
    pub fn from_details(
        details: PoleDetails,
        members: Option<Vec<MemberView>>,
        with_contacts: bool,
    ) -> PoleView {
        PoleView {
            slug: details.pole.slug,
            name: details.pole.name,
            description: details.pole.description,
            commune: details.pole.commune_code,
            departements: details.departements,
            coordinators: details
                .coordinators
                .into_iter()
                .map(|(id, display_name, email)| CoordinatorView {
                    id,
                    display_name,
                    email: with_contacts.then_some(email),
                })
                .collect(),
            member_count: details.approved_members,
            members,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PoleList {
    pub items: Vec<PoleView>,
}

/// What a coordinator follows: its pôles as (slug, name), by name, and the membership
/// requests pending in them, oldest first.
#[derive(Debug, Clone)]
pub struct Coordination {
    pub poles: Vec<(String, String)>,
    pub pending: Vec<crate::models::pole::PendingMember>,
}

/// The approved members of one pôle, for choosing the parties of an exchange.
#[derive(Debug, Clone)]
pub struct MemberGroup {
    pub pole: String,
    /// (id, name), by name.
    pub members: Vec<(crate::models::ids::EnterpriseId, String)>,
}
