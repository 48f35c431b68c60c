//! The embeddable widget's public side: the routes a visitor's browser calls without a key
//! (`/api/public/chatbots/{chatbotId}/…`), the origin allow-list they enforce, and the rate
//! limits that keep one visitor or one bot from spending everyone's model budget.
//!
//! A tour: `routes` is the HTTP surface (CORS, the visitor's address); `service` its rules
//! (only public, active bots; sessions found by the visitor's token; what a visitor may see
//! of a thread); `limits` the per-visitor and per-bot quotas, kept in the database (`store`).

pub mod limits;
pub mod page;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod routes;
pub mod service;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod store;

/// What an operator can set about public widget traffic.
#[derive(Debug, Clone)]
pub struct WidgetConfig {
    /// Chat messages one visitor address may send one bot per minute
    /// (`CHATDECK_WIDGET_VISITOR_PER_MINUTE`, 20).
    pub visitor_messages_per_minute: u32,
    /// Chat messages one bot answers on its public routes per hour
    /// (`CHATDECK_WIDGET_BOT_PER_HOUR`, 1,000).
    pub bot_messages_per_hour: u32,
    /// How many proxies in front of chatdeck append to `X-Forwarded-For`
    /// (`CHATDECK_TRUST_PROXY`, 0): with one, the visitor's address is the last entry (the one
    /// the nearest proxy added); behind a CDN and a load balancer, two, the one before it. With
    /// none, the connection's peer: any more than there are, and a visitor could pick their own
    /// address.
    pub trusted_proxies: u8,
}

impl Default for WidgetConfig {
    fn default() -> Self {
        WidgetConfig {
            visitor_messages_per_minute: 20,
            bot_messages_per_hour: 1_000,
            trusted_proxies: 0,
        }
    }
}
