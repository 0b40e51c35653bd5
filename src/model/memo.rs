//! Hook calls answered from memory: hooks are pure inside the sandbox, so
//! a hook called again with the same arguments (and return type) gives the
//! same result. The explorer memoises per exploration; `test --mutants`
//! shares one memo across every mutant of a tree.

use super::{HookError, HookOutput, HookRuntime, Model, Type, Value};
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex};

/// A hook runtime that answers repeated calls from memory.
#[derive(Debug)]
pub struct Memo {
    inner: Arc<dyn HookRuntime>,
    cache: Mutex<MemoCache>,
}

/// Results by hook name, then arguments, then declared return type (looked
/// up without building a key).
type MemoResults =
    FxHashMap<String, FxHashMap<Vec<Value>, Vec<(Type, Result<HookOutput, HookError>)>>>;

#[derive(Debug, Default)]
struct MemoCache {
    results: MemoResults,
    calls: u64,
    hits: u64,
}

impl Memo {
    pub fn new(inner: Arc<dyn HookRuntime>) -> Self {
        Memo {
            inner,
            cache: Mutex::new(MemoCache::default()),
        }
    }

    /// Calls made, and calls answered from memory.
    pub fn stats(&self) -> (u64, u64) {
        let cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (cache.calls, cache.hits)
    }
}

impl HookRuntime for Memo {
    fn call(
        &self,
        model: &Model,
        name: &str,
        args: &[Value],
        arg_types: &[Type],
        ret: Type,
    ) -> Result<HookOutput, HookError> {
        let lock = || {
            self.cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        {
            let mut cache = lock();
            let hit = cache
                .results
                .get(name)
                .and_then(|by_args| by_args.get(args))
                .and_then(|by_type| by_type.iter().find(|(t, _)| *t == ret))
                .map(|(_, result)| result.clone());
            if let Some(hit) = hit {
                cache.hits += 1;
                return hit;
            }
        }
        let result = self.inner.call(model, name, args, arg_types, ret);
        let mut cache = lock();
        cache.calls += 1;
        cache
            .results
            .entry(name.to_string())
            .or_default()
            .entry(args.to_vec())
            .or_default()
            .push((ret, result.clone()));
        result
    }
}
