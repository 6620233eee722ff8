//! The OB 3.0 enumerated vocabularies.
//!
//! The extensible ones (`EnumExt` in the data model) accept `ext:Name` terms. Values outside
//! the vocabulary that are not `ext:` terms are kept verbatim as `Unknown`, so a credential
//! with a non-conforming value can still be read and displayed; [`AchievementType::is_valid`]
//! (and the same method on the other enums) tells whether the value conforms.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Prefix of extension terms in the extensible vocabularies.
const EXT_PREFIX: &str = "ext:";

fn is_extension_term(text: &str) -> bool {
    text.strip_prefix(EXT_PREFIX).is_some_and(|name| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '|'))
    })
}

macro_rules! extensible_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $text, "`")] $variant, )+
            /// An extension term, `ext:Name` (the full text, prefix included).
            Extension(String),
            /// A value outside the vocabulary that is not an `ext:` term, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// An extension term `ext:{name}` (the prefix is added when missing).
            pub fn extension(name: &str) -> Self {
                if name.starts_with(EXT_PREFIX) {
                    Self::Extension(name.to_owned())
                } else {
                    Self::Extension(format!("{EXT_PREFIX}{name}"))
                }
            }

            /// The term as written in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Extension(text) | Self::Unknown(text) => text,
                }
            }

            /// Whether the value is in the vocabulary or a well-formed `ext:` term.
            pub fn is_valid(&self) -> bool {
                match self {
                    Self::Extension(text) => is_extension_term(text),
                    Self::Unknown(_) => false,
                    _ => true,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )+
                    _ if text.starts_with(EXT_PREFIX) => Self::Extension(text.to_owned()),
                    _ => Self::Unknown(text.to_owned()),
                }
            }
        }

        impl FromStr for $name {
            type Err = Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(text))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Ok(Self::from(text.as_str()))
            }
        }
    };
}

extensible_enum! {
    /// The kind of an achievement (`AchievementType`).
    AchievementType {
        Achievement => "Achievement",
        ApprenticeshipCertificate => "ApprenticeshipCertificate",
        Assessment => "Assessment",
        Assignment => "Assignment",
        AssociateDegree => "AssociateDegree",
        Award => "Award",
        Badge => "Badge",
        BachelorDegree => "BachelorDegree",
        Certificate => "Certificate",
        CertificateOfCompletion => "CertificateOfCompletion",
        Certification => "Certification",
        CommunityService => "CommunityService",
        Competency => "Competency",
        Course => "Course",
        CoCurricular => "CoCurricular",
        Degree => "Degree",
        Diploma => "Diploma",
        DoctoralDegree => "DoctoralDegree",
        Fieldwork => "Fieldwork",
        GeneralEducationDevelopment => "GeneralEducationDevelopment",
        JourneymanCertificate => "JourneymanCertificate",
        LearningProgram => "LearningProgram",
        License => "License",
        Membership => "Membership",
        ProfessionalDoctorate => "ProfessionalDoctorate",
        QualityAssuranceCredential => "QualityAssuranceCredential",
        MasterCertificate => "MasterCertificate",
        MasterDegree => "MasterDegree",
        MicroCredential => "MicroCredential",
        ResearchDoctorate => "ResearchDoctorate",
        SecondarySchoolDiploma => "SecondarySchoolDiploma",
    }
}

extensible_enum! {
    /// The type of a result (`ResultType`).
    ResultType {
        GradePointAverage => "GradePointAverage",
        LetterGrade => "LetterGrade",
        Percent => "Percent",
        PerformanceLevel => "PerformanceLevel",
        PredictedScore => "PredictedScore",
        RawScore => "RawScore",
        Result => "Result",
        RubricCriterion => "RubricCriterion",
        RubricCriterionLevel => "RubricCriterionLevel",
        RubricScore => "RubricScore",
        ScaledScore => "ScaledScore",
        Status => "Status",
    }
}

extensible_enum! {
    /// The kind of an identifier (`IdentifierTypeEnum`), used by `IdentityObject` and
    /// `IdentifierEntry`.
    IdentifierType {
        Name => "name",
        SourcedId => "sourcedId",
        SystemId => "systemId",
        ProductId => "productId",
        UserName => "userName",
        AccountId => "accountId",
        EmailAddress => "emailAddress",
        NationalIdentityNumber => "nationalIdentityNumber",
        Isbn => "isbn",
        Issn => "issn",
        LisSourcedId => "lisSourcedId",
        OneRosterSourcedId => "oneRosterSourcedId",
        SisSourcedId => "sisSourcedId",
        LtiContextId => "ltiContextId",
        LtiDeploymentId => "ltiDeploymentId",
        LtiToolId => "ltiToolId",
        LtiPlatformId => "ltiPlatformId",
        LtiUserId => "ltiUserId",
        Identifier => "identifier",
    }
}

extensible_enum! {
    /// The type of an alignment target in its framework (`AlignmentTargetType`).
    AlignmentTargetType {
        CeasnCompetency => "ceasn:Competency",
        CetermsCredential => "ceterms:Credential",
        CfItem => "CFItem",
        CfRubric => "CFRubric",
        CfRubricCriterion => "CFRubricCriterion",
        CfRubricCriterionLevel => "CFRubricCriterionLevel",
        Ctdl => "CTDL",
    }
}

/// The status of a result (`ResultStatusType`, a closed vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResultStatusType {
    /// `Completed`
    Completed,
    /// `Enrolled`
    Enrolled,
    /// `Failed`
    Failed,
    /// `InProgress`
    InProgress,
    /// `OnHold`
    OnHold,
    /// `Provisional`
    Provisional,
    /// `Withdrew`
    Withdrew,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_extension_and_unknown_terms() {
        let t: AchievementType = serde_json::from_value(json!("Degree")).unwrap();
        assert_eq!(t, AchievementType::Degree);
        let t: AchievementType = serde_json::from_value(json!("ext:Hackathon")).unwrap();
        assert_eq!(t, AchievementType::extension("Hackathon"));
        assert!(t.is_valid());
        let t: IdentifierType = serde_json::from_value(json!("email")).unwrap();
        assert_eq!(t, IdentifierType::Unknown("email".into()));
        assert!(!t.is_valid());
        assert_eq!(serde_json::to_value(&t).unwrap(), json!("email"));
        assert!(!AchievementType::Extension("ext:".into()).is_valid());
    }

    #[test]
    fn writes_terms() {
        let v = serde_json::to_value([
            AlignmentTargetType::CeasnCompetency,
            AlignmentTargetType::Ctdl,
        ])
        .unwrap();
        assert_eq!(v, json!(["ceasn:Competency", "CTDL"]));
        assert_eq!(IdentifierType::EmailAddress.to_string(), "emailAddress");
        assert_eq!(ResultType::extension("ext:Foo").as_str(), "ext:Foo");
        let s: ResultStatusType = serde_json::from_value(json!("InProgress")).unwrap();
        assert_eq!(s, ResultStatusType::InProgress);
        assert!(serde_json::from_value::<ResultStatusType>(json!("Done")).is_err());
    }
}
