//! The filtered awards list: one `WHERE` built from the filter's parts that are set, with
//! numbered parameters, so that each query uses the `awards_org_*` indexes instead of
//! `($n IS NULL OR …)` conditions no planner can index.

use super::awards::{SUMMARY_COLUMNS, summary_from_row};
use super::codec::{RowReader, micros};
use super::params::Params;
use crate::StoreError;
use crate::awards::{AwardCursor, AwardFilter};
use accolade_core::{AwardState, AwardSummary, OrgId};
use time::OffsetDateTime;

/// A bound value of a built statement.
pub(super) enum Param {
    Text(String),
    Int(i64),
}

/// A `WHERE` clause and its parameters, in order (`$1` is the first). Numbered on both
/// backends: the recipient search refers to its pattern twice.
struct Conditions {
    sql: Vec<String>,
    params: Vec<Param>,
    placeholders: Params,
}

impl Conditions {
    fn new() -> Self {
        Self {
            sql: Vec::new(),
            params: Vec::new(),
            placeholders: Params::numbered(),
        }
    }

    /// Adds a parameter and returns its placeholder.
    fn param(&mut self, p: Param) -> String {
        self.params.push(p);
        self.placeholders.next()
    }

    fn text(&mut self, s: impl Into<String>) -> String {
        self.param(Param::Text(s.into()))
    }

    fn time(&mut self, t: OffsetDateTime) -> Result<String, StoreError> {
        Ok(self.param(Param::Int(micros(t)?)))
    }

    fn push(&mut self, condition: String) {
        self.sql.push(condition);
    }

    fn clause(&self) -> String {
        self.sql.join(" AND ")
    }
}

/// `%text%` for LIKE, lower-cased, with the wildcards in `text` matched literally.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

fn needs_now(filter: &AwardFilter) -> Result<OffsetDateTime, StoreError> {
    filter.now.ok_or_else(|| StoreError::Unstorable {
        what: "award filter",
        detail: "telling expired from active awards needs the current time".into(),
    })
}

fn conditions(org: OrgId, filter: &AwardFilter) -> Result<Conditions, StoreError> {
    let mut c = Conditions::new();
    let p = c.text(org.to_string());
    c.push(format!("org_id = {p}"));
    if let Some(a) = filter.achievement {
        let p = c.text(a.to_string());
        c.push(format!("achievement_id = {p}"));
    }
    match filter.state {
        None => {}
        Some(AwardState::Revoked) => c.push("status = 'revoked'".into()),
        Some(AwardState::Suspended) => c.push("status = 'suspended'".into()),
        Some(AwardState::Active) => {
            let now = c.time(needs_now(filter)?)?;
            c.push(format!(
                "status = 'active' AND (valid_until IS NULL OR valid_until > {now})"
            ));
        }
        Some(AwardState::Expired) => {
            let now = c.time(needs_now(filter)?)?;
            c.push(format!(
                "status = 'active' AND valid_until IS NOT NULL AND valid_until <= {now}"
            ));
        }
    }
    if let Some(t) = filter.issued_from {
        let p = c.time(t)?;
        c.push(format!("issued_at >= {p}"));
    }
    if let Some(t) = filter.issued_before {
        let p = c.time(t)?;
        c.push(format!("issued_at < {p}"));
    }
    if let Some(text) = filter.recipient.as_deref().map(str::trim)
        && !text.is_empty()
    {
        let p = c.text(like_pattern(text));
        c.push(format!(
            "(LOWER(recipient_email) LIKE {p} ESCAPE '\\' \
             OR LOWER(COALESCE(recipient_name, '')) LIKE {p} ESCAPE '\\')"
        ));
    }
    if let Some(by) = filter.expires_by {
        let now = c.time(needs_now(filter)?)?;
        let by = c.time(by)?;
        c.push(format!(
            "valid_until IS NOT NULL AND valid_until > {now} AND valid_until <= {by}"
        ));
    }
    Ok(c)
}

fn order(filter: &AwardFilter) -> &'static str {
    if filter.expires_by.is_some() {
        "ORDER BY valid_until ASC, id ASC"
    } else {
        "ORDER BY created_at DESC, id DESC"
    }
}

/// A page of the filtered list: its statement and parameters.
pub(super) fn search_statement(
    org: OrgId,
    filter: &AwardFilter,
    limit: i64,
    offset: i64,
) -> Result<(String, Vec<Param>), StoreError> {
    let mut c = conditions(org, filter)?;
    let limit_p = c.param(Param::Int(limit.max(0)));
    let offset_p = c.param(Param::Int(offset.max(0)));
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM awards WHERE {} {} LIMIT {limit_p} OFFSET {offset_p}",
        c.clause(),
        order(filter),
    );
    Ok((sql, c.params))
}

/// How many awards pass the filter: its statement and parameters.
pub(super) fn count_statement(
    org: OrgId,
    filter: &AwardFilter,
) -> Result<(String, Vec<Param>), StoreError> {
    let c = conditions(org, filter)?;
    let sql = format!("SELECT COUNT(*) AS n FROM awards WHERE {}", c.clause());
    Ok((sql, c.params))
}

/// The next page of the newest-first list after `cursor` (the export).
pub(super) fn after_statement(
    org: OrgId,
    filter: &AwardFilter,
    cursor: Option<AwardCursor>,
    limit: i64,
) -> Result<(String, Vec<Param>), StoreError> {
    let mut c = conditions(org, filter)?;
    if let Some(cursor) = cursor {
        let at = c.time(cursor.created_at)?;
        let id = c.text(cursor.id.to_string());
        c.push(format!(
            "(created_at < {at} OR (created_at = {at} AND id < {id}))"
        ));
    }
    let limit_p = c.param(Param::Int(limit.max(0)));
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM awards WHERE {} ORDER BY created_at DESC, id DESC \
         LIMIT {limit_p}",
        c.clause(),
    );
    Ok((sql, c.params))
}

sql_impl! {
    pub async fn search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        let (sql, params) = search_statement(org, filter, limit, offset)?;
        self.fetch_awards(sql, params).await
    }

    pub async fn count_search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
    ) -> Result<i64, StoreError> {
        let (sql, params) = count_statement(org, filter)?;
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in params {
            q = match p {
                Param::Text(s) => q.bind(s),
                Param::Int(i) => q.bind(i),
            };
        }
        let row = q.fetch_one(&self.pool).await?;
        RowReader::new(&row, "awards").int("n")
    }

    pub async fn awards_after(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        cursor: Option<AwardCursor>,
        limit: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        let (sql, params) = after_statement(org, filter, cursor, limit)?;
        self.fetch_awards(sql, params).await
    }

    async fn fetch_awards(&self, sql: String, params: Vec<Param>) -> Result<Vec<AwardSummary>, StoreError> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in params {
            q = match p {
                Param::Text(s) => q.bind(s),
                Param::Int(i) => q.bind(i),
            };
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(summary_from_row::<DB>).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(like_pattern("Ada"), "%ada%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
