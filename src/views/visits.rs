//! Learning visits, their registrations and the library's resources, as the API sends
//! them. Times are Paris time with their offset (`2026-12-10T09:30:00+01:00`).

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use super::conversations::AttachmentView;
use crate::domain::visit::{
    Audience, RegistrationStatus, ResourceKind, ResourceVisibility, Theme, TransversalIssue,
    VisitStatus,
};
use crate::models::ids::{EnterpriseId, ListingId, RegistrationId, ResourceId, VisitId};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VisitView {
    pub id: VisitId,
    /// Slug of the organising pôle.
    pub pole: String,
    pub pole_name: String,
    pub title: String,
    pub description: String,
    pub theme: Theme,
    pub transversal_issue: TransversalIssue,
    pub host_enterprise_id: Option<EnterpriseId>,
    pub host_enterprise_name: Option<String>,
    /// INSEE code of the commune.
    #[schema(example = "26281")]
    pub commune: String,
    pub commune_name: String,
    /// Paris time, with its offset.
    #[schema(value_type = String, format = DateTime, example = "2026-12-10T09:30:00+01:00")]
    pub starts_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = DateTime, example = "2026-12-10T16:00:00+01:00")]
    pub ends_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = DateTime, example = "2026-12-03T18:00:00+01:00")]
    pub registration_deadline: DateTime<FixedOffset>,
    pub capacity: i32,
    /// Seats not taken yet (0 when full: new registrations go to the waiting list).
    pub seats_left: i64,
    pub audience: Audience,
    /// `planned`, `held` (planned and ended) or `cancelled`.
    pub status: VisitStatus,
    /// Registration still open: planned, before the deadline.
    pub registration_open: bool,
    /// The caller's own standing registration, if any.
    pub my_registration: Option<RegistrationView>,
    /// May the caller change it, see its registrations, write its report?
    pub organiser: bool,
    /// The library resource of its report, once written.
    pub report_resource_id: Option<ResourceId>,
    #[schema(example = "/visits/3.ics")]
    pub ics_url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VisitList {
    /// By start time.
    pub items: Vec<VisitView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegistrationView {
    pub id: RegistrationId,
    pub visit_id: VisitId,
    pub enterprise_id: EnterpriseId,
    pub enterprise_name: String,
    /// Who registered (organisers and the person themself see it).
    pub participant_name: Option<String>,
    pub note: String,
    pub status: RegistrationStatus,
    /// Place in the waiting list (1 = next to be confirmed); null unless waitlisted.
    pub waitlist_position: Option<i64>,
    pub attended: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegistrationList {
    /// Confirmed, then the waiting list in order, then cancelled.
    pub items: Vec<RegistrationView>,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub attended: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResourceView {
    pub id: ResourceId,
    pub title: String,
    pub summary: String,
    pub kind: ResourceKind,
    pub themes: Vec<Theme>,
    /// NAF code it concerns, any level.
    pub naf: Option<String>,
    /// Slug of the pôle it comes from.
    pub pole: Option<String>,
    pub pole_name: Option<String>,
    pub visit_id: Option<VisitId>,
    /// A visit report's lessons and next steps (empty otherwise).
    pub lessons: String,
    pub next_steps: String,
    /// SPDX licence identifier.
    #[schema(example = "CC-BY-SA-4.0")]
    pub licence: String,
    pub visibility: ResourceVisibility,
    pub url: Option<String>,
    pub attachments: Vec<AttachmentView>,
    /// Know-how listings that teach from it.
    pub listing_ids: Vec<ListingId>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResourceList {
    /// Newest first.
    pub items: Vec<ResourceView>,
    pub next_cursor: Option<String>,
}

/// A resource as a listing links it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResourceLink {
    pub id: ResourceId,
    pub title: String,
    pub kind: ResourceKind,
}
