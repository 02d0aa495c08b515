//! Enterprises: legal forms.

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::text::fold;

/// The legal form of an enterprise (DESIGN §2). Read in any case and in the usual French
/// spellings ("SCOP", "Scic", "coopérative", "Entreprise individuelle", "SASU"); always
/// written back in its canonical lower-case value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
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

crate::named!(@names LegalForm {
    Scop => "scop",
    Scic => "scic",
    Association => "association",
    Sas => "sas",
    Sarl => "sarl",
    Ei => "ei",
    Cooperative => "cooperative",
    Other => "other",
});

impl LegalForm {
    /// Reads a legal form as people write it: case, accents, hyphens and the long French
    /// names do not matter. `None` when it names no known form.
    pub fn parse(input: &str) -> Option<LegalForm> {
        let folded = fold(input);
        let form = match folded.as_str() {
            "scop"
            | "scop sa"
            | "scop sarl"
            | "scop sas"
            | "societe cooperative et participative"
            | "societe cooperative ouvriere de production" => LegalForm::Scop,
            "scic"
            | "scic sa"
            | "scic sarl"
            | "scic sas"
            | "societe cooperative d interet collectif" => LegalForm::Scic,
            "association" | "asso" | "association loi 1901" | "association loi de 1901" => {
                LegalForm::Association
            }
            "sas"
            | "sasu"
            | "societe par actions simplifiee"
            | "societe par actions simplifiee unipersonnelle" => LegalForm::Sas,
            "sarl"
            | "eurl"
            | "societe a responsabilite limitee"
            | "entreprise unipersonnelle a responsabilite limitee" => LegalForm::Sarl,
            "ei"
            | "entreprise individuelle"
            | "micro entreprise"
            | "auto entrepreneur"
            | "entrepreneur individuel" => LegalForm::Ei,
            "cooperative" | "coop" | "societe cooperative" => LegalForm::Cooperative,
            "other" | "autre" | "autres" => LegalForm::Other,
            _ => return None,
        };
        Some(form)
    }
}

impl<'de> Deserialize<'de> for LegalForm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        LegalForm::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown legal form \"{text}\": expected one of scop, scic, association, sas, sarl, ei, cooperative, other"
            ))
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MembershipStatus {
    Pending,
    Approved,
}

crate::named!(MembershipStatus { Pending => "pending", Approved => "approved" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_are_read_as_people_write_them() {
        for (text, form) in [
            ("SCOP", LegalForm::Scop),
            ("Scop", LegalForm::Scop),
            ("scop", LegalForm::Scop),
            ("Scic", LegalForm::Scic),
            ("SCIC SAS", LegalForm::Scic),
            ("coopérative", LegalForm::Cooperative),
            ("Coopérative", LegalForm::Cooperative),
            ("COOPERATIVE", LegalForm::Cooperative),
            ("Association loi 1901", LegalForm::Association),
            ("SASU", LegalForm::Sas),
            ("EURL", LegalForm::Sarl),
            ("Entreprise individuelle", LegalForm::Ei),
            ("micro-entreprise", LegalForm::Ei),
            ("  sarl ", LegalForm::Sarl),
            ("Autre", LegalForm::Other),
        ] {
            assert_eq!(LegalForm::parse(text), Some(form), "{text}");
            let json: LegalForm = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(json, form);
        }
        for bad in ["gmbh", "", "sa", "scopx"] {
            assert_eq!(LegalForm::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_canonical_value_reads_back_as_itself() {
        for &form in LegalForm::ALL {
            assert_eq!(LegalForm::parse(form.as_str()), Some(form));
            assert_eq!(
                serde_json::to_value(form).unwrap(),
                serde_json::json!(form.as_str())
            );
        }
    }
}
