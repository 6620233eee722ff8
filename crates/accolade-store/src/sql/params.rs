//! Placeholder text for statements whose number of parameters is known only at run time:
//! multi-row `INSERT`s and `IN (…)` lists. The one place that writes them, for both backends.

use super::Backend;

/// Rows in one multi-row `INSERT` of import rows, awards or queued emails (at most 14
/// parameters each). SQLite binds anonymous parameters in linear time, and 100 rows per
/// statement measured a little faster than 20; on PostgreSQL each statement is a round trip,
/// so they are large there too. Both stay far below the backends' parameter limits.
pub(super) const ROWS_PER_INSERT: usize = 100;

/// Hands out a statement's placeholders in binding order: anonymous `?` on SQLite (it looks
/// numbered ones up by walking a list, so binding a statement with many of them takes
/// quadratic time) and `$1, $2, …` on PostgreSQL. A statement gets all its placeholders from
/// one `Params`, so the two kinds never mix.
#[derive(Debug)]
pub(super) struct Params {
    anonymous: bool,
    bound: usize,
}

impl Params {
    /// Placeholders for `DB`, starting at the first parameter.
    pub(super) fn new<DB: Backend>() -> Self {
        Self {
            anonymous: <DB as Backend>::NAME == "sqlite",
            bound: 0,
        }
    }

    /// Numbered placeholders on both backends, for a statement that refers to one
    /// parameter more than once (a `?` can't be referred to twice).
    pub(super) fn numbered() -> Self {
        Self {
            anonymous: false,
            bound: 0,
        }
    }

    /// The next parameter's placeholder.
    pub(super) fn next(&mut self) -> String {
        self.bound += 1;
        if self.anonymous {
            "?".to_owned()
        } else {
            format!("${}", self.bound)
        }
    }

    /// `count` placeholders, comma-separated: an `IN (…)` list.
    pub(super) fn list(&mut self, count: usize) -> String {
        let mut out = String::with_capacity(count * 5);
        for i in 0..count {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&self.next());
        }
        out
    }

    /// `(…), (…)`: `rows` tuples of `cols` placeholders, bound row by row.
    pub(super) fn tuples(&mut self, rows: usize, cols: usize) -> String {
        let mut out = String::with_capacity(rows * (cols * 5 + 4));
        for r in 0..rows {
            out.push_str(if r == 0 { "(" } else { ", (" });
            out.push_str(&self.list(cols));
            out.push(')');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_anonymous_and_postgres_numbered_placeholders() {
        let mut p = Params::new::<sqlx::Sqlite>();
        assert_eq!(p.next(), "?");
        assert_eq!(p.tuples(2, 2), "(?, ?), (?, ?)");
        assert_eq!(p.next(), "?");

        let mut p = Params::new::<sqlx::Postgres>();
        assert_eq!(p.next(), "$1");
        assert_eq!(p.list(2), "$2, $3");
        assert_eq!(p.tuples(2, 2), "($4, $5), ($6, $7)");
        assert_eq!(p.next(), "$8");
    }

    #[test]
    fn numbered_placeholders_can_be_referred_to_twice() {
        let mut p = Params::numbered();
        assert_eq!(p.next(), "$1");
        assert_eq!(p.next(), "$2");
    }
}
