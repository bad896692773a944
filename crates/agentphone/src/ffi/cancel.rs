//! Cancelling a call from the runtime that made it (an `AbortSignal` in JavaScript, a cancelled
//! asyncio task in Python): a token names the call across the boundary as a plain number, so
//! every binding passes it the same way. A cancelled call's future is dropped where it stands:
//! its connection closes and nothing more is sent, retries included.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use futures_util::future::{AbortHandle, AbortRegistration, Abortable};

use crate::error::{Error, Result};

struct Token {
    handle: AbortHandle,
    /// Taken by the call the token guards.
    registration: Option<AbortRegistration>,
}

/// The live tokens: as many as calls in flight with a signal, so a list is enough.
static TOKENS: Mutex<Vec<(u32, Token)>> = Mutex::new(Vec::new());
static NEXT: AtomicU32 = AtomicU32::new(1);

fn with_token<T>(id: u32, f: impl FnOnce(&mut Token) -> T) -> Option<T> {
    let mut tokens = TOKENS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    tokens.iter_mut().find(|(known, _)| *known == id).map(|(_, token)| f(token))
}

/// A new token for one call.
pub fn new_token() -> u32 {
    let (handle, registration) = AbortHandle::new_pair();
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    TOKENS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push((id, Token { handle, registration: Some(registration) }));
    id
}

/// Cancels the call the token guards (before it starts, or while it runs).
pub fn cancel(token: u32) {
    with_token(token, |t| t.handle.abort());
}

/// Forgets a token once its call is over.
pub fn release(token: u32) {
    TOKENS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).retain(|(known, _)| *known != token);
}

/// The error of a cancelled call.
pub fn cancelled() -> Error {
    Error::Config("the call was cancelled".to_owned())
}

/// Runs `work` unless and until the token is cancelled; without a token, runs it as it is.
pub async fn guarded<T>(token: Option<u32>, work: impl Future<Output = Result<T>>) -> Result<T> {
    let Some(id) = token else { return work.await };
    let Some(registration) = with_token(id, |t| t.registration.take()).flatten() else {
        return Err(Error::Config(format!("cancellation token {id} is unknown or already used")));
    };
    Abortable::new(work, registration).await.unwrap_or_else(|_| Err(cancelled()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cancelled_token_stops_its_call_before_it_starts() {
        let token = new_token();
        cancel(token);
        let polled = std::sync::atomic::AtomicBool::new(false);
        let outcome = guarded(Some(token), async {
            polled.store(true, Ordering::SeqCst);
            Ok(1)
        })
        .await;
        assert!(outcome.is_err() && !polled.load(Ordering::SeqCst), "the work never ran");
        release(token);
        let reused = guarded(Some(token), async { Ok(2) }).await;
        assert!(reused.unwrap_err().to_string().contains("unknown"));
        assert_eq!(guarded(None, async { Ok(3) }).await.unwrap(), 3);
    }
}
