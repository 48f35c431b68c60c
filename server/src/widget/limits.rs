//! Per-visitor and per-bot quotas on public chat messages: keyed by the visitor's address (an
//! IPv6 address by its /64) and the bot, never by session token, so a new conversation does
//! not reset them. GCRA, with each key's state in the database (`store::RateLimitStore`), so
//! that every instance on it counts the same messages: a visitor cannot get a fresh quota from
//! each instance behind a balancer.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::store::Rate;
use super::WidgetConfig;
use crate::store::{DynStore, StoreResult};

pub struct RateLimits {
    store: DynStore,
    per_visitor: Rate,
    per_bot: Rate,
}

/// Over a quota: when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    pub retry_after: Duration,
}

/// `quota` messages per `period`: a burst of the whole quota, then one message each
/// `period / quota`.
fn rate(quota: u32, period: Duration) -> Rate {
    let quota = i64::from(quota.max(1));
    let period_ms = i64::try_from(period.as_millis()).unwrap_or(i64::MAX);
    let interval_ms = (period_ms / quota).max(1);
    Rate {
        interval_ms,
        tolerance_ms: interval_ms * (quota - 1),
    }
}

/// How long until `rate` has room again, for a key whose quota is whole at `tat_ms`.
pub(crate) fn wait_ms(tat_ms: i64, rate: Rate, now_ms: i64) -> i64 {
    (tat_ms.max(now_ms) - now_ms - rate.tolerance_ms).max(1)
}

/// Now, in Unix milliseconds: the instances sharing a database share this clock (as far as
/// their hosts' clocks agree).
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The network a visitor's address stands for: an IPv4 address itself (also when seen as
/// IPv4-mapped IPv6), an IPv6 address's /64, which one home or phone gets whole and may pick
/// any address in for each connection (RFC 4941's temporary addresses).
fn visitor_network(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !u128::from(u64::MAX);
            IpAddr::V6(prefix.into())
        }
        v4 => v4,
    }
}

impl RateLimits {
    pub fn new(store: DynStore, config: &WidgetConfig) -> Self {
        RateLimits {
            store,
            per_visitor: rate(config.visitor_messages_per_minute, Duration::from_secs(60)),
            per_bot: rate(config.bot_messages_per_hour, Duration::from_secs(3_600)),
        }
    }

    /// Counts one chat message of `visitor` to `chatbot_id`, or says how long to wait. The
    /// visitor's quota is checked first, so one visitor over theirs spends none of the bot's.
    pub async fn check(
        &self,
        visitor: IpAddr,
        chatbot_id: &str,
    ) -> StoreResult<Result<(), Limited>> {
        let now = now_ms();
        let visitor_key = format!("visitor:{}:{chatbot_id}", visitor_network(visitor));
        let bot_key = format!("bot:{chatbot_id}");
        for (key, rate) in [(visitor_key, self.per_visitor), (bot_key, self.per_bot)] {
            if let Some(wait) = self.store.spend_rate(&key, rate, now).await? {
                return Ok(Err(Limited {
                    retry_after: Duration::from_millis(wait.unsigned_abs()),
                }));
            }
        }
        Ok(Ok(()))
    }

    /// Forgets visitors and bots whose quota is whole again, so the table follows recent
    /// traffic.
    pub async fn forget_idle(&self) -> StoreResult<u64> {
        self.store.forget_rates(now_ms()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn limits(visitor: u32, bot: u32) -> (RateLimits, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("limits.db").display());
        let store = crate::store::connect(&url).await.unwrap();
        let config = WidgetConfig {
            visitor_messages_per_minute: visitor,
            bot_messages_per_hour: bot,
            trusted_proxies: 0,
        };
        (RateLimits::new(store, &config), dir)
    }

    #[tokio::test]
    async fn a_visitor_over_the_quota_waits_while_another_visitor_goes_on() {
        let (limits, _dir) = limits(2, 100).await;
        let ada: IpAddr = "192.0.2.1".parse().unwrap();
        let bob: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limits.check(ada, "bot").await.unwrap().is_ok());
        assert!(limits.check(ada, "bot").await.unwrap().is_ok());
        let limited = limits.check(ada, "bot").await.unwrap().unwrap_err();
        assert!(limited.retry_after > Duration::from_secs(20), "{limited:?}");
        assert!(
            limited.retry_after <= Duration::from_secs(30),
            "{limited:?}"
        );
        assert!(limits.check(bob, "bot").await.unwrap().is_ok());
        assert!(limits.check(ada, "other-bot").await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn a_bot_over_its_quota_refuses_every_visitor() {
        let (limits, _dir) = limits(100, 2).await;
        for n in 1..=2u8 {
            let visitor = IpAddr::from([192, 0, 2, n]);
            assert!(limits.check(visitor, "bot").await.unwrap().is_ok());
        }
        let limited = limits
            .check("192.0.2.9".parse().unwrap(), "bot")
            .await
            .unwrap()
            .unwrap_err();
        assert!(
            limited.retry_after > Duration::from_secs(60 * 20),
            "{limited:?}"
        );
        let other = limits.check("192.0.2.9".parse().unwrap(), "other").await;
        assert!(other.unwrap().is_ok());
    }

    #[tokio::test]
    async fn an_ipv6_visitor_is_one_visitor_across_their_whole_64_prefix() {
        // One home or phone gets a /64 and may pick any address in it for each connection.
        let (limits, _dir) = limits(2, 100).await;
        for address in ["2001:db8:1:2::1", "2001:db8:1:2:aaaa::7"] {
            let visitor: IpAddr = address.parse().unwrap();
            assert!(limits.check(visitor, "bot").await.unwrap().is_ok());
        }
        let same_prefix: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        assert!(limits.check(same_prefix, "bot").await.unwrap().is_err());
        let next_prefix: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limits.check(next_prefix, "bot").await.unwrap().is_ok());
        // An IPv4 visitor seen through an IPv4-mapped IPv6 address is the IPv4 visitor.
        let ada: IpAddr = "192.0.2.1".parse().unwrap();
        let ada_mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert!(limits.check(ada, "bot").await.unwrap().is_ok());
        assert!(limits.check(ada, "bot").await.unwrap().is_ok());
        assert!(limits.check(ada_mapped, "bot").await.unwrap().is_err());
    }

    #[test]
    fn a_quota_allows_its_whole_burst_then_one_message_per_interval() {
        let per_minute = rate(20, Duration::from_secs(60));
        assert_eq!(per_minute.interval_ms, 3_000);
        assert_eq!(per_minute.tolerance_ms, 57_000);
        // Whole again at `now`: a full burst of 20 fits before the quota is used up.
        let now = 1_000_000;
        let after_burst = now + 20 * per_minute.interval_ms;
        assert_eq!(wait_ms(after_burst, per_minute, now), 3_000);
        assert_eq!(rate(0, Duration::from_secs(60)).tolerance_ms, 0);
    }
}
