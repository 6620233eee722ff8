//! Kept verdicts on awards' credentials, and the award as its public page reads it.

use crate::store::on_backend;
use crate::{AwardForPage, KeptVerdict, Store, StoreError};
use accolade_core::AwardId;

impl Store {
    /// The award, its links and its kept verdict in one indexed read (`None`: no such award).
    pub async fn award_for_page(&self, id: AwardId) -> Result<Option<AwardForPage>, StoreError> {
        on_backend!(self.award_for_page(id))
    }

    /// Keeps the verdicts on awards' credentials (replacing any kept before), in one
    /// transaction.
    pub async fn keep_verdicts(
        &self,
        verdicts: &[(AwardId, KeptVerdict)],
    ) -> Result<(), StoreError> {
        on_backend!(self.keep_verdicts(verdicts))
    }

    /// Up to `limit` awards that have no kept verdict, in id order after `after` (the next
    /// page starts after the last id returned): their ids and stored credentials.
    pub async fn awards_without_verdict(
        &self,
        after: Option<AwardId>,
        limit: i64,
    ) -> Result<Vec<(AwardId, String)>, StoreError> {
        on_backend!(self.awards_without_verdict(after, limit))
    }
}
