//! Active contexts (JSON-LD 1.1 API §4.1), the Context Processing algorithm (§4.1.2), and the
//! caches that make it run once per (context, local context) pair for the life of the
//! process.
//!
//! Every local context the compiled processor accepts is `'static`: a bundled context
//! document (parsed once), or a scoped context inside one. That is what makes caching cheap:
//! a derived context is keyed by its parent's id and the address of the local context.

use super::iri::Keyword;
use super::term::{self, Defined};
use super::{CompiledError, Result, invalid};
use crate::jsonld::JsonLdError;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

/// A term's IRI mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mapping {
    /// `"term": null` or `{"@id": null}`: defined, but expands to nothing.
    Null,
    Keyword(Keyword),
    /// An absolute IRI, a blank node identifier, or (invalid as a predicate) a relative one.
    Iri(Box<str>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeMapping {
    Id,
    Vocab,
    Json,
    None,
    Datatype(Box<str>),
}

/// The container mapping, restricted to what the compiled processor implements; `other`
/// marks containers it does not (index, language, id and type maps).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Container {
    pub set: bool,
    pub list: bool,
    pub graph: bool,
    pub other: bool,
}

/// A term definition (API §4.1 "term definition").
#[derive(Debug, Clone)]
pub(crate) struct TermDef {
    pub mapping: Mapping,
    pub prefix: bool,
    pub protected: bool,
    pub type_mapping: Option<TypeMapping>,
    pub container: Container,
    /// The term's scoped context ("local context" in the spec), kept unprocessed: it is
    /// processed, and cached, when a document first uses it.
    pub scoped: Option<&'static Value>,
    /// A feature of this definition the compiled processor does not implement (`@reverse`,
    /// `@index`, `@nest`, `@language`, `@direction`…): a document using the term falls back.
    pub unsupported: Option<&'static str>,
    /// The raw values of those features, so that redefinitions compare them too.
    pub extra: Vec<(&'static str, &'static Value)>,
    /// The mapping is an absolute IRI, usable as a predicate (checked once, here).
    pub predicate_ok: bool,
}

impl TermDef {
    /// "The same definition, except for protected" (API §4.2.2 step 27.1).
    pub fn same_as(&self, other: &TermDef) -> bool {
        self.mapping == other.mapping
            && self.prefix == other.prefix
            && self.type_mapping == other.type_mapping
            && self.container == other.container
            && self.scoped == other.scoped
            && self.extra == other.extra
    }
}

/// FxHash: term lookups are the hot loop of expansion, and SipHash's DoS resistance buys
/// nothing for keys that come from the bundled contexts.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

/// An active context. Immutable once built and shared through `Arc`.
#[derive(Debug)]
pub(crate) struct ActiveContext {
    /// Unique per context instance: the cache key of contexts derived from this one.
    id: u64,
    terms: HashMap<&'static str, Arc<TermDef>, FxBuild>,
    pub vocab: Option<Box<str>>,
    /// Set when a type-scoped context was applied: the context nested node objects revert to.
    pub previous: Option<Arc<ActiveContext>>,
    /// A default `@language` or `@direction` is set: every plain string would carry it.
    pub default_language: bool,
    /// The terms that alias keywords (`id`, `type`), so that spotting a keyword among a
    /// map's keys takes no hash lookup.
    aliases: Vec<(&'static str, Keyword)>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl ActiveContext {
    fn empty() -> Self {
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            terms: HashMap::default(),
            vocab: None,
            previous: None,
            default_language: false,
            aliases: Vec::new(),
        }
    }

    /// Step 1 of Context Processing: a copy to build on, with an identity of its own.
    fn derive(&self) -> Self {
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            terms: self.terms.clone(),
            vocab: self.vocab.clone(),
            previous: self.previous.clone(),
            default_language: self.default_language,
            aliases: self.aliases.clone(),
        }
    }

    /// The keyword `key` expands to, if any: IRI Expansion steps 1 and 4 (a keyword, or a
    /// term aliasing one), without the hash lookup of a full expansion.
    pub fn keyword_of(&self, key: &str) -> Option<Keyword> {
        if key.starts_with('@') {
            return super::iri::keyword(key);
        }
        self.aliases
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, kw)| *kw)
    }

    pub fn term(&self, term: &str) -> Option<&TermDef> {
        self.terms.get(term).map(|d| &**d)
    }

    pub(super) fn set_term(&mut self, term: &'static str, def: Arc<TermDef>) {
        self.terms.insert(term, def);
    }

    pub(super) fn remove_term(&mut self, term: &str) -> Option<Arc<TermDef>> {
        self.terms.remove(term)
    }

    fn has_protected(&self) -> bool {
        self.terms.values().any(|d| d.protected)
    }
}

/// How a local context is applied: which one it is, and the two flags of Context Processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Local {
    Bundled(usize),
    /// The address of a `'static` local context value.
    Static(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    parent: u64,
    local: Local,
    override_protected: bool,
    propagate: bool,
}

/// Bounds the cache: documents choose which bundled contexts they list and in what order,
/// so an adversary could otherwise grow it without end. Real documents need a few dozen.
const CACHE_CAPACITY: usize = 2048;

/// Nesting bound on context documents that reference further context documents.
const MAX_REMOTE_DEPTH: usize = 16;

fn cache() -> &'static RwLock<HashMap<Key, Arc<ActiveContext>, FxBuild>> {
    static CACHE: OnceLock<RwLock<HashMap<Key, Arc<ActiveContext>, FxBuild>>> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(HashMap::default()))
}

/// The `@context` value of the bundled context document for `url`, parsed once per process
/// (and kept for its life: scoped contexts are identified by their address).
fn bundled(url: &str) -> Result<(usize, &'static Value)> {
    type Parsed = HashMap<usize, &'static Value, FxBuild>;
    static PARSED: OnceLock<RwLock<Parsed>> = OnceLock::new();
    let unknown = || CompiledError::JsonLd(JsonLdError::UnknownContext(url.to_owned()));
    let doc = crate::contexts::get(url).ok_or_else(unknown)?;
    let id = std::ptr::from_ref(doc) as usize;
    let parsed = PARSED.get_or_init(|| RwLock::new(HashMap::default()));
    let found = parsed.read().ok().and_then(|m| m.get(&id).copied());
    let value = match found {
        Some(v) => v,
        None => {
            let v: Value = serde_json::from_str(doc.json)
                .map_err(|e| invalid(format!("bundled context {url} is not JSON: {e}")))?;
            let mut map = parsed
                .write()
                .map_err(|_| invalid("context cache poisoned"))?;
            // Leaked once per bundled context (a fixed, small set), never per document.
            *map.entry(id).or_insert_with(|| Box::leak(Box::new(v)))
        }
    };
    let ctx = value
        .get("@context")
        .ok_or_else(|| invalid(format!("bundled context {url} is not a context document")))?;
    Ok((id, ctx))
}

/// The initial active context (no terms, no vocabulary mapping, no base).
pub(crate) fn initial() -> Arc<ActiveContext> {
    static INITIAL: OnceLock<Arc<ActiveContext>> = OnceLock::new();
    INITIAL
        .get_or_init(|| Arc::new(ActiveContext::empty()))
        .clone()
}

fn cached(key: Key, build: impl FnOnce() -> Result<ActiveContext>) -> Result<Arc<ActiveContext>> {
    if let Ok(map) = cache().read()
        && let Some(ctx) = map.get(&key)
    {
        return Ok(ctx.clone());
    }
    let ctx = Arc::new(build()?);
    if let Ok(mut map) = cache().write()
        && map.len() < CACHE_CAPACITY
    {
        // Another thread may have won the race: keep its context so that ids stay stable.
        return Ok(map.entry(key).or_insert(ctx).clone());
    }
    Ok(ctx)
}

/// Applies the bundled context at `url` (a string in an `@context` array of a document).
pub(crate) fn with_url(active: &Arc<ActiveContext>, url: &str) -> Result<Arc<ActiveContext>> {
    let (index, local) = bundled(url)?;
    let key = Key {
        parent: active.id,
        local: Local::Bundled(index),
        override_protected: false,
        propagate: true,
    };
    cached(key, || process(active, local, false, true))
}

/// Applies a term's scoped context: type-scoped ones (API §5.1.2 step 11) neither propagate
/// to nested nodes nor override protected terms; property-scoped ones (step 8) do both.
pub(crate) fn with_scoped(
    active: &Arc<ActiveContext>,
    local: &'static Value,
    type_scoped: bool,
) -> Result<Arc<ActiveContext>> {
    let key = Key {
        parent: active.id,
        local: Local::Static(std::ptr::from_ref(local) as usize),
        override_protected: !type_scoped,
        propagate: !type_scoped,
    };
    cached(key, || process(active, local, !type_scoped, !type_scoped))
}

/// Applies `null` (an `@context: null` in a document): back to the initial context, which
/// protected terms forbid.
pub(crate) fn with_null(active: &Arc<ActiveContext>) -> Result<Arc<ActiveContext>> {
    if active.has_protected() {
        return Err(invalid(
            "invalid context nullification: the active context has protected terms",
        ));
    }
    Ok(initial())
}

/// Context Processing (API §4.1.2) for a `'static` local context.
fn process(
    active: &Arc<ActiveContext>,
    local: &'static Value,
    override_protected: bool,
    propagate: bool,
) -> Result<ActiveContext> {
    let mut result = active.derive();
    let propagate = match local.get("@propagate") {
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(invalid("@propagate must be true or false")),
        None => propagate,
    };
    if !propagate && result.previous.is_none() {
        result.previous = Some(active.clone());
    }
    process_into(&mut result, local, override_protected, propagate, 0)?;
    result.aliases = result
        .terms
        .iter()
        .filter_map(|(term, def)| match def.mapping {
            Mapping::Keyword(k) => Some((*term, k)),
            _ => None,
        })
        .collect();
    Ok(result)
}

/// Steps 4–5 of Context Processing, on `result` in place.
fn process_into(
    result: &mut ActiveContext,
    local: &'static Value,
    override_protected: bool,
    propagate: bool,
    depth: usize,
) -> Result<()> {
    let items = match local {
        Value::Array(a) => a.as_slice(),
        other => std::slice::from_ref(other),
    };
    for item in items {
        match item {
            Value::Null => {
                if !override_protected && result.has_protected() {
                    return Err(invalid(
                        "invalid context nullification: the active context has protected terms",
                    ));
                }
                if !propagate {
                    return Err(CompiledError::Unsupported(
                        "a null context that does not propagate",
                    ));
                }
                let mut fresh = ActiveContext::empty();
                fresh.id = result.id;
                *result = fresh;
            }
            Value::String(url) => {
                if depth >= MAX_REMOTE_DEPTH {
                    return Err(invalid("context documents nest too deeply"));
                }
                let (_, loaded) = bundled(url)?;
                if loaded.get("@propagate").is_some() {
                    return Err(CompiledError::Unsupported(
                        "@propagate in a context document",
                    ));
                }
                // Step 5.2.6: a referenced context is processed with the default flags.
                process_into(result, loaded, false, true, depth + 1)?;
            }
            Value::Object(map) => definition(result, map, override_protected)?,
            _ => {
                return Err(invalid(
                    "a local context must be null, a string or an object",
                ));
            }
        }
    }
    Ok(())
}

/// Steps 5.5–5.13: one context definition (a JSON object).
fn definition(
    result: &mut ActiveContext,
    map: &'static Map<String, Value>,
    override_protected: bool,
) -> Result<()> {
    match map.get("@version") {
        None => {}
        Some(v) if v.as_f64() == Some(1.1) => {}
        Some(_) => return Err(invalid("invalid @version value")),
    }
    if map.contains_key("@import") {
        return Err(CompiledError::Unsupported("@import"));
    }
    if map.contains_key("@base") {
        return Err(CompiledError::Unsupported("@base in a context"));
    }
    if let Some(v) = map.get("@vocab") {
        result.vocab = match v {
            Value::Null => None,
            Value::String(s) => Some(term::vocab_mapping(result, s)?),
            _ => return Err(invalid("invalid vocab mapping")),
        };
    }
    for key in ["@language", "@direction"] {
        match map.get(key) {
            None => {}
            Some(Value::Null) => result.default_language = false,
            Some(Value::String(_)) => result.default_language = true,
            Some(_) => return Err(invalid(format!("invalid default {key}"))),
        }
    }
    let protected = match map.get("@protected") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(invalid("@protected must be true or false")),
    };
    let mut defined = Defined::default();
    for key in map.keys() {
        if matches!(
            key.as_str(),
            "@base"
                | "@direction"
                | "@import"
                | "@language"
                | "@propagate"
                | "@protected"
                | "@version"
                | "@vocab"
        ) {
            continue;
        }
        let env = term::Env {
            local: map,
            protected,
            override_protected,
        };
        term::create(result, &env, key, &mut defined)?;
    }
    Ok(())
}
