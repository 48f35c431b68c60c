//! API key material: 24 random bytes as 48 lowercase hex characters, stored as SHA-256.

use okchat::ApiKey;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn generate() -> ApiKey {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    ApiKey::parse(&hex::encode(bytes)).expect("48 hex characters is a valid key")
}

/// The stored form of a key. A fast hash is right here: keys are 192 random bits, so there is
/// nothing to brute-force, and every request pays for this.
pub fn digest(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_valid_and_distinct() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(ApiKey::parse(a.expose()).is_ok());
        assert_eq!(digest(a.expose()).len(), 64);
        assert_ne!(digest(a.expose()), a.expose());
    }
}
