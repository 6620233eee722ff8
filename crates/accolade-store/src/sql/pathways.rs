//! Pathways of organizations, their requirement tree kept as JSON text with a format number.
//! The [`Store`] methods are here too, next to their statements.

use super::Backend;
use super::codec::{RowReader, micros, to_json};
use crate::error::insert_error;
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{AchievementId, OrgId, Pathway, PathwayId, Requirement};
use serde::{Deserialize, Serialize};
use sqlx::{ColumnIndex, Decode, Type};

/// The stored form of the requirement tree. Bump the format when the shape changes, and
/// keep reading the old one.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    root: Node,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Node {
    Achievement { id: String },
    AllOf { of: Vec<Node> },
    AnyOf { n: usize, of: Vec<Node> },
    CreditsAtLeast { credits: f64, of: Vec<String> },
}

fn node_of(r: &Requirement) -> Node {
    match r {
        Requirement::Achievement(id) => Node::Achievement { id: id.to_string() },
        Requirement::AllOf(of) => Node::AllOf {
            of: of.iter().map(node_of).collect(),
        },
        Requirement::AnyOf { n, of } => Node::AnyOf {
            n: *n,
            of: of.iter().map(node_of).collect(),
        },
        Requirement::CreditsAtLeast { credits, of } => Node::CreditsAtLeast {
            credits: *credits,
            of: of.iter().map(ToString::to_string).collect(),
        },
    }
}

fn requirement_of(n: Node) -> Result<Requirement, String> {
    let id = |s: &str| s.parse::<AchievementId>().map_err(|e| e.to_string());
    Ok(match n {
        Node::Achievement { id: a } => Requirement::Achievement(id(&a)?),
        Node::AllOf { of } => Requirement::AllOf(
            of.into_iter()
                .map(requirement_of)
                .collect::<Result<_, _>>()?,
        ),
        Node::AnyOf { n, of } => Requirement::AnyOf {
            n,
            of: of
                .into_iter()
                .map(requirement_of)
                .collect::<Result<_, _>>()?,
        },
        Node::CreditsAtLeast { credits, of } => Requirement::CreditsAtLeast {
            credits,
            of: of.iter().map(|a| id(a)).collect::<Result<_, _>>()?,
        },
    })
}

fn requirement_json(r: &Requirement) -> Result<String, StoreError> {
    to_json(
        "pathway requirement",
        &Stored {
            format: FORMAT,
            root: node_of(r),
        },
    )
}

fn parse_requirement(raw: &str) -> Result<Requirement, String> {
    let stored: Stored = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    if stored.format != FORMAT {
        return Err(format!("unknown requirement format {}", stored.format));
    }
    requirement_of(stored.root)
}

const COLUMNS: &str =
    "id, org_id, name, description, target_id, requirement, created_at, updated_at, version";

fn pathway_from_row<DB>(row: &DB::Row) -> Result<Pathway, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "pathways");
    Ok(Pathway {
        id: r.parsed("id")?,
        org_id: r.parsed("org_id")?,
        name: r.text("name")?,
        description: r.text("description")?,
        target: r.opt_parsed("target_id")?,
        requirement: r.text_with("requirement", parse_requirement)?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        version: r.int("version")?,
    })
}

sql_impl! {
    async fn insert_pathway(&self, p: &Pathway) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO pathways (id, org_id, name, description, target_id, requirement,
                 created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(p.id.to_string())
        .bind(p.org_id.to_string())
        .bind(p.name.clone())
        .bind(p.description.clone())
        .bind(p.target.map(|t| t.to_string()))
        .bind(requirement_json(&p.requirement)?)
        .bind(micros(p.created_at)?)
        .bind(micros(p.updated_at)?)
        .bind(p.version)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    async fn update_pathway(&self, p: &Pathway, expected_version: i64) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "UPDATE pathways SET name = $1, description = $2, target_id = $3, requirement = $4,
                 updated_at = $5, version = $6
             WHERE id = $7 AND org_id = $8 AND version = $9 RETURNING id",
        )
        .bind(p.name.clone())
        .bind(p.description.clone())
        .bind(p.target.map(|t| t.to_string()))
        .bind(requirement_json(&p.requirement)?)
        .bind(micros(p.updated_at)?)
        .bind(p.version)
        .bind(p.id.to_string())
        .bind(p.org_id.to_string())
        .bind(expected_version)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(row.is_some())
    }

    async fn delete_pathway(&self, org: OrgId, id: PathwayId) -> Result<bool, StoreError> {
        let row = sqlx::query("DELETE FROM pathways WHERE id = $1 AND org_id = $2 RETURNING id")
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn pathway(&self, id: PathwayId) -> Result<Option<Pathway>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM pathways WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(pathway_from_row::<DB>).transpose()
    }

    async fn pathways(&self, org: OrgId) -> Result<Vec<Pathway>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM pathways WHERE org_id = $1 ORDER BY name, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(pathway_from_row::<DB>).collect()
    }
}

impl Store {
    /// A target that is not an achievement of the pathway's organization fails with
    /// `MissingReference`.
    pub async fn insert_pathway(&self, pathway: &Pathway) -> Result<(), StoreError> {
        on_backend!(self.insert_pathway(pathway))
    }

    /// Compare-and-set on the version: `false` when the organization has no such pathway or
    /// its stored version is no longer `expected_version`; `pathway.version` is the new one.
    pub async fn update_pathway(
        &self,
        pathway: &Pathway,
        expected_version: i64,
    ) -> Result<bool, StoreError> {
        on_backend!(self.update_pathway(pathway, expected_version))
    }

    /// `false` if the organization has no such pathway.
    pub async fn delete_pathway(&self, org: OrgId, id: PathwayId) -> Result<bool, StoreError> {
        on_backend!(self.delete_pathway(org, id))
    }

    pub async fn pathway(&self, id: PathwayId) -> Result<Option<Pathway>, StoreError> {
        on_backend!(self.pathway(id))
    }

    /// The organization's pathways, by name.
    pub async fn pathways(&self, org: OrgId) -> Result<Vec<Pathway>, StoreError> {
        on_backend!(self.pathways(org))
    }
}
