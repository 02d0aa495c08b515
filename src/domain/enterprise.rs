//! Enterprises: legal forms.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LegalForm {
    Scop,
    Scic,
    Association,
    Sas,
    Sarl,
    Ei,
    Cooperative,
    Other,
}

impl LegalForm {
    pub const ALL: [LegalForm; 8] = [
        LegalForm::Scop,
        LegalForm::Scic,
        LegalForm::Association,
        LegalForm::Sas,
        LegalForm::Sarl,
        LegalForm::Ei,
        LegalForm::Cooperative,
        LegalForm::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LegalForm::Scop => "scop",
            LegalForm::Scic => "scic",
            LegalForm::Association => "association",
            LegalForm::Sas => "sas",
            LegalForm::Sarl => "sarl",
            LegalForm::Ei => "ei",
            LegalForm::Cooperative => "cooperative",
            LegalForm::Other => "other",
        }
    }

    pub fn from_db(value: &str) -> LegalForm {
        LegalForm::ALL
            .into_iter()
            .find(|form| form.as_str() == value)
            .unwrap_or(LegalForm::Other)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MembershipStatus {
    Pending,
    Approved,
}

impl MembershipStatus {
    pub fn from_db(value: &str) -> MembershipStatus {
        if value == "approved" {
            MembershipStatus::Approved
        } else {
            MembershipStatus::Pending
        }
    }
}
