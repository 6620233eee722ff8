//! The filtered awards list: one `WHERE` built from the filter's parts that are set, with
//! numbered parameters, so that each query uses the `awards_org_*` indexes instead of
//! `($n IS NULL OR …)` conditions no planner can index. Pages are read by key (after or
//! before a row's `(created_at, id)`), never by offset, and counts stop at a cap, so a page
//! costs the same in an organization of any size.
//!
//! The recipient search (a part of the email or name, any case) goes through a trigram index:
//! on PostgreSQL `awards_recipient_trgm` (pg_trgm), which the planner weighs against walking
//! the organization's awards newest first; on SQLite the FTS5 table
//! `awards_recipient_search`, which drives the statement when the term matches few awards
//! (see [`SearchVia`]).

use super::awards::{SUMMARY_COLUMNS, summary_from_row};
use super::codec::{RowReader, micros};
use super::params::Params;
use crate::StoreError;
use crate::awards::{AwardCursor, AwardFilter, PageAt};
use accolade_core::{AwardState, AwardSummary, OrgId};
use time::OffsetDateTime;

/// A bound value of a built statement.
pub(super) enum Param {
    Text(String),
    Int(i64),
}

/// A `WHERE` clause and its parameters, in order (`$1` is the first). Numbered on both
/// backends: the recipient search refers to its pattern more than once.
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

/// The fewest characters a search term needs for a trigram index to find it; shorter terms
/// are matched by reading the organization's awards.
pub const MIN_INDEXED_SEARCH: usize = 3;

/// How a statement finds the awards a recipient search matches. PostgreSQL's statement is
/// the same either way (its planner chooses between the trigram index and the walk); on
/// SQLite the FTS5 table either drives the statement or is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchVia {
    /// Through the trigram index: every match is read, then sorted (cheap when few match).
    Index,
    /// Walking the organization's awards newest first and testing each (cheap when many
    /// match: a page stops at its limit; and the only way for terms under three characters).
    Walk,
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

/// An FTS5 query for `text` as a substring of the email or the name: one quoted phrase
/// (the trigram tokenizer makes a phrase a substring match, in any case).
fn fts_query(text: &str) -> String {
    format!("{{email name}} : \"{}\"", text.replace('"', "\"\""))
}

/// The filter's search term, trimmed, if it has one.
fn term(filter: &AwardFilter) -> Option<&str> {
    filter
        .recipient
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Whether the filter's term can go through a trigram index at all.
pub(super) fn indexable(filter: &AwardFilter) -> Option<&str> {
    term(filter).filter(|t| t.chars().count() >= MIN_INDEXED_SEARCH)
}

fn needs_now(filter: &AwardFilter) -> Result<OffsetDateTime, StoreError> {
    filter.now.ok_or_else(|| StoreError::Unstorable {
        what: "award filter",
        detail: "telling expired from active awards needs the current time".into(),
    })
}

/// The tables a statement reads and its conditions.
struct Source {
    from: &'static str,
    c: Conditions,
}

/// SQLite's FTS5 table first, then each match's award by id.
const FTS_FROM: &str =
    "awards_recipient_search CROSS JOIN awards ON awards.id = awards_recipient_search.award_id";

fn source(
    backend: &str,
    org: OrgId,
    filter: &AwardFilter,
    via: SearchVia,
) -> Result<Source, StoreError> {
    let mut c = Conditions::new();
    let mut from = "awards";
    // The FTS5 match first: SQLite takes a virtual table's MATCH as its index.
    if backend == "sqlite"
        && via == SearchVia::Index
        && let Some(text) = indexable(filter)
    {
        from = FTS_FROM;
        let p = c.text(fts_query(text));
        c.push(format!("awards_recipient_search MATCH {p}"));
    }
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
    if from == "awards"
        && let Some(text) = term(filter)
    {
        let p = c.text(like_pattern(text));
        let exact = format!(
            "(LOWER(recipient_email) LIKE {p} ESCAPE '\\' \
             OR LOWER(COALESCE(recipient_name, '')) LIKE {p} ESCAPE '\\')"
        );
        if backend == "postgres" {
            // The indexed expression (awards_recipient_trgm) finds candidates; the exact test
            // keeps those that match within one column.
            c.push(format!(
                "LOWER(recipient_email || ' ' || COALESCE(recipient_name, '')) LIKE {p} \
                 ESCAPE '\\' AND {exact}"
            ));
        } else {
            c.push(exact);
        }
    }
    if let Some(by) = filter.expires_by {
        let now = c.time(needs_now(filter)?)?;
        let by = c.time(by)?;
        c.push(format!(
            "valid_until IS NOT NULL AND valid_until > {now} AND valid_until <= {by}"
        ));
    }
    Ok(Source { from, c })
}

fn order(filter: &AwardFilter) -> &'static str {
    if filter.expires_by.is_some() {
        "ORDER BY valid_until ASC, id ASC"
    } else {
        "ORDER BY created_at DESC, id DESC"
    }
}

/// A page of the filtered list by offset (the expiring-soon list, ordered by expiry within
/// its window): its statement and parameters.
pub(super) fn search_statement(
    backend: &str,
    org: OrgId,
    filter: &AwardFilter,
    via: SearchVia,
    limit: i64,
    offset: i64,
) -> Result<(String, Vec<Param>), StoreError> {
    let Source { from, mut c } = source(backend, org, filter, via)?;
    let limit_p = c.param(Param::Int(limit.max(0)));
    let offset_p = c.param(Param::Int(offset.max(0)));
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM {from} WHERE {} {} LIMIT {limit_p} OFFSET {offset_p}",
        c.clause(),
        order(filter),
    );
    Ok((sql, c.params))
}

/// How many awards pass the filter, counting at most `cap` of them: its statement and
/// parameters. The count reads at most `cap` matching entries, whatever the organization's
/// size.
pub(super) fn count_statement(
    backend: &str,
    org: OrgId,
    filter: &AwardFilter,
    cap: i64,
) -> Result<(String, Vec<Param>), StoreError> {
    let Source { from, mut c } = source(backend, org, filter, SearchVia::Index)?;
    let cap_p = c.param(Param::Int(cap.max(0)));
    let sql = format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM {from} WHERE {} LIMIT {cap_p}) capped",
        c.clause()
    );
    Ok((sql, c.params))
}

/// A page of the newest-first list (`created_at DESC, id DESC`) at `at`: the newest
/// `limit`, the next `limit` after a cursor, or the `limit` just before one (those come
/// oldest first: the caller reverses them).
pub(super) fn page_statement(
    backend: &str,
    org: OrgId,
    filter: &AwardFilter,
    via: SearchVia,
    at: PageAt,
    limit: i64,
) -> Result<(String, Vec<Param>), StoreError> {
    let Source { from, mut c } = source(backend, org, filter, via)?;
    let mut order = "ORDER BY created_at DESC, id DESC";
    let keyed = |c: &mut Conditions, cursor: AwardCursor, op: &str| {
        let at = c.time(cursor.created_at)?;
        let id = c.text(cursor.id.to_string());
        // A row value: both backends take it as one range of (org_id, created_at, id).
        c.push(format!("(created_at, id) {op} ({at}, {id})"));
        Ok::<_, StoreError>(())
    };
    match at {
        PageAt::First => {}
        PageAt::After(cursor) => keyed(&mut c, cursor, "<")?,
        PageAt::Before(cursor) => {
            keyed(&mut c, cursor, ">")?;
            order = "ORDER BY created_at ASC, id ASC";
        }
    }
    let limit_p = c.param(Param::Int(limit.max(0)));
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM {from} WHERE {} {order} LIMIT {limit_p}",
        c.clause(),
    );
    Ok((sql, c.params))
}

/// The organization's number of awards (`award_counts`, kept by the database).
pub(super) const ORG_TOTAL: &str = "SELECT total FROM award_counts WHERE org_id = $1";

/// On SQLite, how many awards (of any organization) the FTS5 table matches, counting at
/// most `cap`: whether the index should drive a page.
pub(super) const FTS_MATCHES: &str = "SELECT COUNT(*) AS n FROM (SELECT 1 FROM \
     awards_recipient_search WHERE awards_recipient_search MATCH $1 LIMIT $2) capped";

/// Above this many matches of a term, SQLite walks the organization's awards for a page
/// instead of reading and sorting every match (a page then stops at its limit).
pub(super) const INDEX_DRIVES_UP_TO: i64 = 10_000;

pub(super) fn fts_matches_params(filter: &AwardFilter) -> Option<Vec<Param>> {
    indexable(filter).map(|t| {
        vec![
            Param::Text(fts_query(t)),
            Param::Int(INDEX_DRIVES_UP_TO + 1),
        ]
    })
}

sql_impl! {
    /// How a page of `filter` should find its search's matches (see [`SearchVia`]).
    async fn search_via(&self, filter: &AwardFilter) -> Result<SearchVia, StoreError> {
        if <DB as super::Backend>::NAME != "sqlite" {
            return Ok(SearchVia::Index);
        }
        let Some(params) = fts_matches_params(filter) else {
            return Ok(SearchVia::Walk);
        };
        let n = self.fetch_count(FTS_MATCHES.to_owned(), params).await?;
        Ok(if n > INDEX_DRIVES_UP_TO { SearchVia::Walk } else { SearchVia::Index })
    }

    pub async fn search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        let via = self.search_via(filter).await?;
        let (sql, params) = search_statement(<DB as super::Backend>::NAME, org, filter, via, limit, offset)?;
        self.fetch_awards(sql, params).await
    }

    pub async fn count_search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        cap: i64,
    ) -> Result<i64, StoreError> {
        let (sql, params) = count_statement(<DB as super::Backend>::NAME, org, filter, cap)?;
        self.fetch_count(sql, params).await
    }

    pub async fn award_page(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        at: PageAt,
        limit: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        let via = self.search_via(filter).await?;
        let (sql, params) = page_statement(<DB as super::Backend>::NAME, org, filter, via, at, limit)?;
        let mut awards = self.fetch_awards(sql, params).await?;
        if matches!(at, PageAt::Before(_)) {
            awards.reverse();
        }
        Ok(awards)
    }

    pub async fn org_award_total(&self, org: OrgId) -> Result<i64, StoreError> {
        let row = sqlx::query(ORG_TOTAL)
            .bind(org.to_string())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => RowReader::new(&row, "award_counts").int("total"),
            None => Ok(0),
        }
    }

    async fn fetch_count(&self, sql: String, params: Vec<Param>) -> Result<i64, StoreError> {
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

    #[test]
    fn fts_queries_are_one_quoted_phrase() {
        assert_eq!(fts_query("ada"), "{email name} : \"ada\"");
        assert_eq!(fts_query("a\"b OR c"), "{email name} : \"a\"\"b OR c\"");
    }
}
