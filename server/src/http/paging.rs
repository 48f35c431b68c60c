//! `page` and `limit` as every paged list reads them (`api-decisions.md`, "Conversations and
//! messages"): 1-based pages, 10 items by default, at most 100.

use std::collections::HashMap;

use okchat::PageMeta;

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub limit: u32,
}

impl Paging {
    /// Reads `page` and `limit` from a query; a value that is not a whole number in range is a
    /// validation error naming its parameter.
    pub fn from_query(query: &HashMap<String, String>) -> ApiResult<Self> {
        let page = number(query, "page", u32::MAX, "must be a whole number from 1")?;
        let limit = number(
            query,
            "limit",
            MAX_LIMIT,
            "must be a whole number from 1 to 100",
        )?;
        Ok(Self {
            page: page.unwrap_or(1),
            limit: limit.unwrap_or(DEFAULT_LIMIT),
        })
    }

    /// Rows to skip before this page.
    pub fn offset(self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.limit)
    }

    pub fn meta(self, total: u64) -> PageMeta {
        PageMeta::new(u64::from(self.page), u64::from(self.limit), total)
    }
}

fn number(
    query: &HashMap<String, String>,
    name: &str,
    max: u32,
    reason: &str,
) -> ApiResult<Option<u32>> {
    let Some(raw) = query.get(name) else {
        return Ok(None);
    };
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(ApiError::field(name, reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(pairs: &[(&str, &str)]) -> ApiResult<Paging> {
        let query = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Paging::from_query(&query)
    }

    #[test]
    fn absent_parameters_mean_the_first_page_of_ten() {
        assert_eq!(paging(&[]).unwrap(), Paging { page: 1, limit: 10 });
        assert_eq!(paging(&[]).unwrap().offset(), 0);
    }

    #[test]
    fn the_offset_skips_the_earlier_pages() {
        let p = paging(&[("page", "3"), ("limit", "25")]).unwrap();
        assert_eq!(p.offset(), 50);
        assert_eq!(
            paging(&[("page", "4294967295"), ("limit", "100")])
                .unwrap()
                .offset(),
            429_496_729_400
        );
    }

    #[test]
    fn out_of_range_or_non_numeric_values_are_refused() {
        for (name, value) in [
            ("page", "0"),
            ("page", "-1"),
            ("page", "two"),
            ("page", ""),
            ("page", "1.5"),
            ("limit", "0"),
            ("limit", "101"),
            ("limit", "ten"),
        ] {
            let error = paging(&[(name, value)]).unwrap_err();
            assert_eq!(error.code(), okchat::ErrorCode::ValidationFailed);
            assert!(format!("{error:?}").contains(name), "{name}={value}");
        }
    }
}
