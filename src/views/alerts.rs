//! Saved searches (alerts).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::account::AlertFrequency;
use crate::domain::listing::{Category, Kind};
use crate::models::ids::AlertId;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertCommune {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertView {
    pub id: AlertId,
    pub kind: Option<Kind>,
    pub category: Option<Category>,
    pub naf: Option<String>,
    pub commune: Option<AlertCommune>,
    pub radius_km: Option<i32>,
    pub keywords: Option<String>,
    pub frequency: AlertFrequency,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertList {
    pub items: Vec<AlertView>,
}
