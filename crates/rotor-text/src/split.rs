//! A train / test split that keeps identical texts together. Share classes of one
//! fund (A / C) carry the same strategy text word for word; a split by row would put
//! one class in training and its twin in the test set and report a memorised text as
//! a correct prediction. Rows are grouped by the SHA-256 of their normalised text and a
//! group goes to the test set when its hash mixed with the seed falls below
//! `test_fraction` — deterministic, independent of row order.

use crate::cache::sha256_hex;
use crate::textops::normalise;

/// The identity of a text for training records: SHA-256 of its normalised form,
/// 16 hex digits.
pub fn text_hash(text: &str) -> String {
    sha256_hex(normalise(text).as_bytes())[..16].to_string()
}

/// Whether each text is in the test set.
pub fn test_rows(texts: &[&str], test_fraction: f64, seed: u64) -> Vec<bool> {
    texts
        .iter()
        .map(|t| {
            let h = sha256_hex(format!("{seed}\u{0}{}", normalise(t)).as_bytes());
            let x = u64::from_str_radix(&h[..12], 16).unwrap_or(0) as f64 / (1u64 << 48) as f64;
            x < test_fraction
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins_share_a_side_and_the_fraction_is_near_the_target() {
        let texts: Vec<String> = (0..2000).map(|i| format!("基金策略文本{i}")).collect();
        let mut refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        refs.push("基金策略文本7");
        refs.push(" 基金策略文本7 ");
        let t = test_rows(&refs, 0.3, 1);
        assert_eq!(t[7], t[2000]);
        assert_eq!(t[7], t[2001]);
        let share = t.iter().filter(|&&x| x).count() as f64 / t.len() as f64;
        assert!((share - 0.3).abs() < 0.04, "{share}");
        assert_ne!(t, test_rows(&refs, 0.3, 2), "another seed, another split");
        assert!(test_rows(&refs, 0.0, 1).iter().all(|&x| !x));
    }
}
