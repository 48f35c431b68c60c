//! Per-visitor and per-bot quotas on public chat messages, kept in this process (GCRA, from
//! `governor`): keyed by the visitor's address and the bot, never by session token, so a new
//! conversation does not reset them.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::WidgetConfig;

pub struct RateLimits {
    per_visitor: DefaultKeyedRateLimiter<(IpAddr, String)>,
    per_bot: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

/// Over a quota: when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    pub retry_after: Duration,
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl RateLimits {
    pub fn new(config: &WidgetConfig) -> Self {
        let clock = DefaultClock::default();
        RateLimits {
            per_visitor: RateLimiter::keyed(Quota::per_minute(at_least_one(
                config.visitor_messages_per_minute,
            ))),
            per_bot: RateLimiter::keyed(Quota::per_hour(at_least_one(
                config.bot_messages_per_hour,
            ))),
            clock,
        }
    }

    /// Counts one chat message of `visitor` to `chatbot_id`, or says how long to wait. The
    /// visitor's quota is checked first, so one visitor over theirs spends none of the bot's.
    pub fn check(&self, visitor: IpAddr, chatbot_id: &str) -> Result<(), Limited> {
        let wait = |not_until: governor::NotUntil<_>| Limited {
            retry_after: not_until.wait_time_from(self.clock.now()),
        };
        self.per_visitor
            .check_key(&(visitor, chatbot_id.to_owned()))
            .map_err(wait)?;
        self.per_bot.check_key(&chatbot_id.to_owned()).map_err(wait)
    }

    /// Forgets visitors and bots whose quota is whole again, so memory follows recent traffic.
    pub fn forget_idle(&self) {
        self.per_visitor.retain_recent();
        self.per_visitor.shrink_to_fit();
        self.per_bot.retain_recent();
        self.per_bot.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(visitor: u32, bot: u32) -> RateLimits {
        RateLimits::new(&WidgetConfig {
            visitor_messages_per_minute: visitor,
            bot_messages_per_hour: bot,
            trust_proxy: false,
        })
    }

    #[test]
    fn a_visitor_over_the_quota_waits_while_another_visitor_goes_on() {
        let limits = limits(2, 100);
        let ada: IpAddr = "192.0.2.1".parse().unwrap();
        let bob: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limits.check(ada, "bot").is_ok());
        assert!(limits.check(ada, "bot").is_ok());
        let limited = limits.check(ada, "bot").unwrap_err();
        assert!(limited.retry_after > Duration::from_secs(20), "{limited:?}");
        assert!(
            limited.retry_after <= Duration::from_secs(30),
            "{limited:?}"
        );
        assert!(limits.check(bob, "bot").is_ok());
        assert!(limits.check(ada, "other-bot").is_ok());
    }

    #[test]
    fn a_bot_over_its_quota_refuses_every_visitor() {
        let limits = limits(100, 2);
        for n in 1..=2u8 {
            assert!(limits.check(IpAddr::from([192, 0, 2, n]), "bot").is_ok());
        }
        let limited = limits
            .check("192.0.2.9".parse().unwrap(), "bot")
            .unwrap_err();
        assert!(
            limited.retry_after > Duration::from_secs(60 * 20),
            "{limited:?}"
        );
        assert!(limits.check("192.0.2.9".parse().unwrap(), "other").is_ok());
    }
}
