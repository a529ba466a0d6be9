//! How a figure is written, from its metric's definition.
//!
//! Every figure on every page (tables, prose, charts' labels) goes through [`Format::value`],
//! so one model's throughput cannot read 64 in a table and 63 in a sentence.

use std::fmt::Write;

use serde::Deserialize;

pub const NOT_AVAILABLE: &str = "not available";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// A plain number with fixed decimals: `59.1`, `0.939`.
    #[default]
    Number,
    /// A figure already in percent: `60.6%`.
    Percent,
    /// A token count, shortened: `1M`, `400K`, `65K`.
    Tokens,
    /// US dollars, as prices are written: `$5`, `$2.50`, `$0.175`.
    Usd,
}

/// A metric's display format, as written in `data/metrics.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    #[serde(default)]
    pub style: Style,
    /// Decimals shown (the most shown, for `usd` and `tokens`).
    #[serde(default)]
    pub decimals: Option<u8>,
    /// Text after the number, such as ` tok/s` or ` s`.
    #[serde(default)]
    pub suffix: String,
}

impl Format {
    fn decimals(&self) -> usize {
        let default = match self.style {
            Style::Number | Style::Percent => 1,
            Style::Tokens => 2,
            Style::Usd => 3,
        };
        usize::from(self.decimals.unwrap_or(default).min(12))
    }

    /// Writes a value the way this metric is always written.
    pub fn value(&self, v: f64) -> String {
        // Pages write hundreds of figures each, so the common styles go into one buffer.
        let mut out = String::with_capacity(16 + self.suffix.len());
        if v < 0.0 {
            out.push('-');
        }
        let a = v.abs();
        match self.style {
            Style::Number => fixed_into(&mut out, a, self.decimals()),
            Style::Percent => {
                fixed_into(&mut out, a, self.decimals());
                out.push('%');
            }
            Style::Tokens => out.push_str(&tokens(a, self.decimals())),
            Style::Usd => {
                out.push('$');
                out.push_str(&money(a, self.decimals()));
            }
        }
        out.push_str(&self.suffix);
        out
    }

    /// Writes an optional value, with "not available" for a missing one.
    pub fn figure(&self, v: Option<f64>) -> String {
        v.map_or_else(|| NOT_AVAILABLE.to_string(), |v| self.value(v))
    }

    /// The unit in which differences on this metric are counted: percentage points for
    /// percentages, the suffix for the rest.
    pub fn difference(&self, d: f64) -> String {
        let a = d.abs();
        match self.style {
            Style::Percent => format!("{a:.*} percentage points", self.decimals()),
            Style::Number if self.suffix.is_empty() => {
                let n = format!("{a:.*}", self.decimals());
                let unit = if n == "1" { "point" } else { "points" };
                format!("{n} {unit}")
            }
            _ => Format {
                style: self.style,
                decimals: self.decimals,
                suffix: self.suffix.clone(),
            }
            .value(a),
        }
    }
}

/// `1M`, `1.05M`, `400K`, `65.5K`, `999`.
fn tokens(a: f64, decimals: usize) -> String {
    let (scaled, unit) = if a >= 1_000_000.0 {
        (a / 1_000_000.0, "M")
    } else if a >= 1_000.0 {
        (a / 1_000.0, "K")
    } else {
        (a, "")
    };
    format!("{}{unit}", trim_zeros(fixed(scaled, decimals)))
}

/// Whole amounts without decimals; others with at least two (cents) and at most `max`.
fn money(a: f64, max: usize) -> String {
    if a.fract() == 0.0 {
        return fixed(a, 0);
    }
    let text = trim_zeros(fixed(a, max.max(2)));
    match text.split_once('.') {
        Some((_, frac)) if frac.len() < 2 => format!("{text}0"),
        _ => text,
    }
}

/// `a` with `decimals` decimals, exactly as `format!("{a:.decimals$}")` writes
/// it. Exact float formatting is a visible share of a large build, where every page writes
/// hundreds of figures, so the common case goes through whole numbers: scaled by a power of
/// ten, a value whose fraction is clear of one half rounds the same as its exact decimal
/// expansion would. Values near a tie, negative ones and very large ones take the exact path.
pub(crate) fn fixed(a: f64, decimals: usize) -> String {
    let mut out = String::with_capacity(16);
    fixed_into(&mut out, a, decimals);
    out
}

/// [`fixed`], written at the end of `out`.
pub(crate) fn fixed_into(out: &mut String, a: f64, decimals: usize) {
    const LIMIT: f64 = 1e15;
    let scale = 10f64.powi(decimals as i32);
    let scaled = a * scale;
    let near_tie = (scaled.fract() - 0.5).abs() < 1e-6;
    if !(0.0..LIMIT).contains(&scaled) || a.is_sign_negative() || near_tie || decimals > 9 {
        let _ = write!(out, "{a:.decimals$}");
        return;
    }
    let whole = scaled.round() as u64;
    let unit = 10u64.pow(decimals as u32);
    let mut digits = itoa::Buffer::new();
    out.push_str(digits.format(whole / unit));
    if decimals > 0 {
        let fraction = digits.format(whole % unit);
        out.push('.');
        out.extend(std::iter::repeat_n('0', decimals - fraction.len()));
        out.push_str(fraction);
    }
}

/// A float written exactly as `{}` writes it: the shortest digits that read back as the same
/// number, never in exponent form. Data files print every figure and score this way, and
/// zmij (the digit search serde_json uses) finds those digits in a fraction of the time the
/// standard library takes; it took a third of the time ryu did here. The two agree on the
/// digits except where a value lies exactly halfway between two shortest candidates (zmij
/// takes the even one, the standard library the one above); those values, and the very
/// small and very large ones that zmij writes with an exponent, are written by the standard
/// library.
pub struct Shortest(pub f64);

impl std::fmt::Display for Shortest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buffer = zmij::Buffer::new();
        if self.0.is_finite() {
            let text = buffer.format_finite(self.0);
            if let Some(last) = last_place(text)
                && !halfway(self.0, last)
            {
                return f.write_str(text.strip_suffix(".0").unwrap_or(text));
            }
        }
        std::fmt::Display::fmt(&self.0, f)
    }
}

/// The power of ten of the last significant digit of zmij's text (`12.5` → −1, `1200.0` → 2);
/// `None` for text with an exponent. The text is a few bytes long and this runs for every
/// number of every ranking file, so it is read once, not searched for each character.
fn last_place(text: &str) -> Option<i32> {
    let mut dot = None;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'e' => return None,
            b'.' => dot = Some(i),
            _ => {}
        }
    }
    let dot = dot?;
    let (whole, fraction) = (&text[..dot], &text[dot + 1..]);
    if fraction == "0" {
        Some((whole.len() - whole.trim_end_matches('0').len()) as i32)
    } else {
        Some(-(fraction.len() as i32))
    }
}

/// Whether `v` could lie exactly halfway between two numbers whose last digit sits at
/// 10^`last`, that is `v = (2k + 1) × 10^last / 2`. A float is an odd integer times a power
/// of two, 2^q, and that halfway point is one only when q = last − 1.
fn halfway(v: f64, last: i32) -> bool {
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    mantissa != 0 && exponent + mantissa.trailing_zeros() as i32 == last - 1
}

fn trim_zeros(text: String) -> String {
    if !text.contains('.') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A relative difference in plain words: `~60% lower`, `~3× higher`.
pub fn relative(a: f64, b: f64) -> Option<String> {
    if b == 0.0 || !a.is_finite() || !b.is_finite() {
        return None;
    }
    let ratio = a / b;
    let direction = if a < b { "lower" } else { "higher" };
    if ratio >= 2.0 {
        return Some(format!("~{}× higher", trim_zeros(format!("{ratio:.1}"))));
    }
    let pct = ((ratio - 1.0).abs() * 100.0).round();
    Some(format!("~{pct:.0}% {direction}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn fixed_writes_what_exact_formatting_writes(a in -1e9f64..1e9, decimals in 0usize..10) {
            prop_assert_eq!(fixed(a, decimals), format!("{a:.decimals$}"));
        }

        #[test]
        fn shortest_writes_what_display_writes(a in proptest::num::f64::ANY) {
            prop_assert_eq!(Shortest(a).to_string(), a.to_string());
        }

        #[test]
        fn shortest_agrees_on_binary_fractions(k in 0u64..(1 << 53), shift in 0i32..64) {
            // Whole numbers over powers of two are where halfway values live.
            let a = k as f64 / 2f64.powi(shift);
            prop_assert_eq!(Shortest(a).to_string(), a.to_string());
        }

        #[test]
        fn shortest_agrees_on_figures_as_data_files_write_them(units in -10_000_000i64..10_000_000, scale in 0u32..12) {
            let a = units as f64 / 10f64.powi(scale as i32);
            prop_assert_eq!(Shortest(a).to_string(), a.to_string());
        }

        #[test]
        fn fixed_agrees_on_short_decimals_and_ties(units in 0u64..10_000_000, decimals in 0usize..6) {
            // Figures as data files write them (few decimals), including exact halves.
            for a in [units as f64 / 1000.0, units as f64 / 1000.0 + 0.0005, units as f64 / 8.0] {
                prop_assert_eq!(fixed(a, decimals), format!("{a:.decimals$}"));
            }
        }
    }

    #[test]
    fn shortest_agrees_on_layout_and_on_halfway_values() {
        // The last five lie halfway between two shortest candidates, where zmij alone would
        // round the last digit down.
        for a in [
            0.0,
            -0.0,
            100.0,
            1e-7,
            -2.5e-9,
            1e21,
            1.5e300,
            123.456,
            0.1 + 0.2,
            f64::NAN,
            f64::NEG_INFINITY,
            65537.0 / 131072.0,
            873841.0 / 65536.0,
            111913.0 / 131072.0,
            6632827120354249.0 / 4.0,
            -1932706409662881.3,
        ] {
            assert_eq!(Shortest(a).to_string(), a.to_string());
        }
    }

    #[test]
    fn fixed_keeps_the_sign_of_negative_zero() {
        assert_eq!(fixed(-0.0, 1), format!("{:.1}", -0.0));
    }

    fn f(style: Style, decimals: Option<u8>, suffix: &str) -> Format {
        Format {
            style,
            decimals,
            suffix: suffix.into(),
        }
    }

    #[test]
    fn numbers_keep_their_decimals() {
        assert_eq!(f(Style::Number, Some(1), "").value(59.1), "59.1");
        assert_eq!(
            f(Style::Number, Some(1), " tok/s").value(64.0),
            "64.0 tok/s"
        );
        assert_eq!(
            f(Style::Number, Some(1), " tok/s").value(142.7),
            "142.7 tok/s"
        );
        assert_eq!(f(Style::Number, Some(3), "").value(0.939), "0.939");
        assert_eq!(f(Style::Percent, None, "").value(60.6), "60.6%");
    }

    #[test]
    fn token_counts_are_shortened() {
        let t = f(Style::Tokens, None, "");
        assert_eq!(t.value(1_000_000.0), "1M");
        assert_eq!(t.value(400_000.0), "400K");
        assert_eq!(t.value(65_000.0), "65K");
        assert_eq!(t.value(1_048_576.0), "1.05M");
        assert_eq!(t.value(512.0), "512");
    }

    #[test]
    fn prices_read_like_prices() {
        let usd = f(Style::Usd, None, "");
        assert_eq!(usd.value(5.0), "$5");
        assert_eq!(usd.value(2.5), "$2.50");
        assert_eq!(usd.value(0.175), "$0.175");
        assert_eq!(usd.value(1.75), "$1.75");
        assert_eq!(usd.figure(None), "not available");
    }

    #[test]
    fn differences_use_points_or_the_unit() {
        assert_eq!(f(Style::Number, Some(1), "").difference(-3.6), "3.6 points");
        assert_eq!(
            f(Style::Percent, Some(1), "").difference(9.1),
            "9.1 percentage points"
        );
        assert_eq!(
            f(Style::Number, Some(1), " tok/s").difference(78.7),
            "78.7 tok/s"
        );
        assert_eq!(relative(2.0, 5.0).as_deref(), Some("~60% lower"));
        assert_eq!(relative(142.7, 64.0).as_deref(), Some("~2.2× higher"));
        assert_eq!(relative(1.0, 0.0), None);
    }
}
