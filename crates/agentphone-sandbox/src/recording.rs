//! Call recordings: a real, valid WAV (8 kHz, 16-bit mono PCM) as long as the call, capped.

const RATE: u32 = 8_000;
const MAX_SECONDS: u32 = 30;

/// A WAV of `seconds` (at most 30): a quiet tone that changes pitch every 4 seconds, one per turn.
pub(crate) fn wav(seconds: u32) -> Vec<u8> {
    let samples = RATE * seconds.clamp(1, MAX_SECONDS);
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes()); // byte rate
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for n in 0..samples {
        let turn = n / (RATE * 4);
        let pitch = if turn.is_multiple_of(2) { 440.0 } else { 330.0 };
        let t = n as f64 / f64::from(RATE);
        let sample = (f64::sin(2.0 * std::f64::consts::PI * pitch * t) * 3_000.0) as i16;
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_describes_the_data() {
        let bytes = wav(2);
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(&bytes[8..16], b"WAVEfmt ");
        assert_eq!(u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize, bytes.len() - 8);
        assert_eq!(u32::from_le_bytes(bytes[40..44].try_into().unwrap()), 2 * RATE * 2);
        assert_eq!(bytes.len(), 44 + 32_000);
        assert_eq!(wav(3600).len(), 44 + (RATE * MAX_SECONDS * 2) as usize);
    }
}
