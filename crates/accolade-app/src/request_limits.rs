//! How often one client may use the public forms that cost the server work or could be used
//! to guess: signing up and in, password resets, invitations, claiming, verifying and
//! importing, and calls to the REST API. The web layer counts requests per client address
//! (hashed; per API key for the API) and per class, and
//! turns away the excess with 429 and `Retry-After`.
//!
//! The numbers are sized for people, not for one person: a class of 30 students behind one
//! school NAT signs up, signs in and claims within minutes, so every burst leaves room for
//! them all. Guessing passwords stays bounded by the per-account and per-client failure
//! throttle of [`App::sign_in`](crate::App::sign_in), which is stricter for failures.

use std::time::Duration;

/// The kinds of request limited separately (a busy claim session does not block sign-in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestClass {
    /// Sign-up, sign-in, forgotten password, reset, invitation and sign-up confirmation.
    Account,
    /// Claiming a badge from an emailed link.
    Claim,
    /// Verifying a credential from outside (the verify page).
    Verify,
    /// Importing badges into a backpack.
    Import,
    /// Calls to the REST API, counted per API key rather than per client address.
    Api,
}

impl RequestClass {
    pub const ALL: [RequestClass; 5] = [
        Self::Account,
        Self::Claim,
        Self::Verify,
        Self::Import,
        Self::Api,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Claim => "claim",
            Self::Verify => "verify",
            Self::Import => "import",
            Self::Api => "api",
        }
    }
}

/// A steady rate with a burst: `burst` requests at once, then one more every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub every: Duration,
}

/// Account forms: 60 at once (30 people signing up and in), then one every 2 s.
pub const ACCOUNT_RATE: Rate = Rate {
    burst: 60,
    every: Duration::from_secs(2),
};
/// Claims: 60 at once (a class claiming together, with retries), then one a second.
pub const CLAIM_RATE: Rate = Rate {
    burst: 60,
    every: Duration::from_secs(1),
};
/// Verification is costly (and bounded again by [`crate::VerifyGate`]): 30 at once, then
/// one every 2 s.
pub const VERIFY_RATE: Rate = Rate {
    burst: 30,
    every: Duration::from_secs(2),
};
/// Backpack imports verify whole files: 20 at once, then one every 6 s.
pub const IMPORT_RATE: Rate = Rate {
    burst: 20,
    every: Duration::from_secs(6),
};
/// API calls per key: 600 a minute, all of them at once if need be.
pub const API_RATE: Rate = Rate {
    burst: 600,
    every: Duration::from_millis(100),
};

impl Rate {
    /// `per_minute` requests a minute, all of them at once if need be (a budget per minute).
    pub fn per_minute(per_minute: u32) -> Self {
        let n = per_minute.max(1);
        Self {
            burst: n,
            every: Duration::from_secs(60) / n,
        }
    }

    /// The window in which `burst` requests are restored, in whole seconds (at least 1).
    pub fn window_secs(&self) -> u64 {
        let w = self.every.saturating_mul(self.burst.max(1));
        w.as_secs().max(1)
    }
}

/// Clients remembered at once per process; beyond it idle clients are forgotten first.
pub const MAX_TRACKED_CLIENTS: usize = 100_000;

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    pub account: Rate,
    pub claim: Rate,
    pub verify: Rate,
    pub import: Rate,
    /// Per API key.
    pub api: Rate,
    pub max_clients: usize,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            account: ACCOUNT_RATE,
            claim: CLAIM_RATE,
            verify: VERIFY_RATE,
            import: IMPORT_RATE,
            api: API_RATE,
            max_clients: MAX_TRACKED_CLIENTS,
        }
    }
}

impl RequestLimits {
    pub fn rate(&self, class: RequestClass) -> Rate {
        match class {
            RequestClass::Account => self.account,
            RequestClass::Claim => self.claim,
            RequestClass::Verify => self.verify,
            RequestClass::Import => self.import,
            RequestClass::Api => self.api,
        }
    }

    /// The same rate for every class (tests, and operators who want one number).
    pub fn uniform(rate: Rate, max_clients: usize) -> Self {
        Self {
            account: rate,
            claim: rate,
            verify: rate,
            import: rate,
            api: rate,
            max_clients,
        }
    }
}
