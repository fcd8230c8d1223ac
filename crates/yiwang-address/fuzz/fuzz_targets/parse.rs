//! Normalise and parse any UTF-8 input: no panic, every component's span inside the input,
//! normalisation idempotent and its map as long as its text.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yiwang_address::{Gazetteer, ccks_components, normalize, parse};

fn gazetteer() -> &'static Gazetteer {
    static GAZ: OnceLock<Gazetteer> = OnceLock::new();
    GAZ.get_or_init(Gazetteer::default)
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let n = input.chars().count();
    let norm = normalize(input);
    assert_eq!(norm.map.len(), norm.text.chars().count());
    assert!(norm.map.iter().all(|&o| o < n));
    assert_eq!(normalize(&norm.text).text, norm.text);
    let parsed = parse(input, gazetteer());
    for c in &parsed.components {
        assert!(c.start < c.end && c.end <= n, "{c:?}");
    }
    let _ = ccks_components(&parsed);
});
