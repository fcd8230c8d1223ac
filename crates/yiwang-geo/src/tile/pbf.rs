//! The few Protocol Buffers wire-format primitives the tile encoder needs:
//! base-128 varints, zigzag encoding, keys, length-delimited fields and
//! little-endian fixed 64-bit values.

/// Wire type of varint fields (`int*`, `uint*`, `sint*`, `bool`, `enum`).
pub(crate) const VARINT: u32 = 0;
/// Wire type of 64-bit fixed fields (`double`, `fixed64`).
pub(crate) const FIXED64: u32 = 1;
/// Wire type of length-delimited fields (strings, messages, packed repeats).
pub(crate) const LEN: u32 = 2;

/// Appends `v` as a base-128 varint: 7 bits per byte, least significant group
/// first, high bit set on every byte but the last.
pub(crate) fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Zigzag-encodes a signed integer so small magnitudes give small varints:
/// 0 → 0, −1 → 1, 1 → 2, −2 → 3, … (`(n << 1) ^ (n >> 63)`). For values
/// in the `i32` range this equals the 32-bit form the MVT specification uses
/// for geometry parameters.
pub(crate) fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

/// Inverse of [`zigzag`] (used by the test decoder).
#[cfg(test)]
pub(crate) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Appends a field key `(field << 3) | wire_type`.
pub(crate) fn write_key(out: &mut Vec<u8>, field: u32, wire_type: u32) {
    write_varint(out, u64::from((field << 3) | wire_type));
}

/// Appends a varint field.
pub(crate) fn write_varint_field(out: &mut Vec<u8>, field: u32, v: u64) {
    write_key(out, field, VARINT);
    write_varint(out, v);
}

/// Appends a length-delimited field holding `bytes`.
pub(crate) fn write_bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    write_key(out, field, LEN);
    write_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends a packed repeated varint field (omitted when `values` is empty).
pub(crate) fn write_packed_field(out: &mut Vec<u8>, field: u32, values: &[u64]) {
    if values.is_empty() {
        return;
    }
    let mut body = Vec::with_capacity(values.len() * 2);
    for &v in values {
        write_varint(&mut body, v);
    }
    write_bytes_field(out, field, &body);
}

/// Appends a `double` field (little-endian IEEE 754 bits).
pub(crate) fn write_double_field(out: &mut Vec<u8>, field: u32, v: f64) {
    write_key(out, field, FIXED64);
    out.extend_from_slice(&v.to_bits().to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_table() {
        let cases: &[(u64, &[u8])] = &[
            (0, &[0x00]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (150, &[0x96, 0x01]),
            (300, &[0xac, 0x02]),
            (4096, &[0x80, 0x20]),
            (16_383, &[0xff, 0x7f]),
            (16_384, &[0x80, 0x80, 0x01]),
            (u64::from(u32::MAX), &[0xff, 0xff, 0xff, 0xff, 0x0f]),
            (
                u64::MAX,
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            ),
        ];
        for &(v, want) in cases {
            let mut out = Vec::new();
            write_varint(&mut out, v);
            assert_eq!(out, want, "varint({v})");
        }
    }

    #[test]
    fn zigzag_table() {
        let cases: &[(i64, u64)] = &[
            (0, 0),
            (-1, 1),
            (1, 2),
            (-2, 3),
            (2, 4),
            (25, 50),
            (-64, 127),
            (64, 128),
            (i64::from(i32::MAX), 4_294_967_294),
            (i64::from(i32::MIN), 4_294_967_295),
            (i64::MAX, u64::MAX - 1),
            (i64::MIN, u64::MAX),
        ];
        for &(n, z) in cases {
            assert_eq!(zigzag(n), z, "zigzag({n})");
            assert_eq!(unzigzag(z), n, "unzigzag({z})");
        }
        // Agreement with the spec's 32-bit form (n << 1) ^ (n >> 31).
        for n in [-100_000i32, -3, -1, 0, 1, 3, 100_000, i32::MIN, i32::MAX] {
            let z32 = ((n << 1) ^ (n >> 31)) as u32;
            assert_eq!(zigzag(i64::from(n)), u64::from(z32), "{n}");
        }
    }

    #[test]
    fn field_helpers() {
        let mut out = Vec::new();
        write_varint_field(&mut out, 15, 2);
        write_bytes_field(&mut out, 1, b"ab");
        write_packed_field(&mut out, 2, &[1, 300]);
        write_packed_field(&mut out, 9, &[]);
        write_double_field(&mut out, 3, 1.0);
        assert_eq!(
            out,
            [
                0x78, 0x02, // field 15 varint 2
                0x0a, 0x02, b'a', b'b', // field 1, "ab"
                0x12, 0x03, 0x01, 0xac, 0x02, // field 2 packed [1, 300]
                0x19, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, // field 3 double 1.0
            ]
        );
    }
}
