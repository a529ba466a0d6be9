//! Social images: a 1200×630 PNG card per use case with its top three, and one for the site.
//!
//! Link previews do not show SVG, so the card is drawn as SVG and rasterised with resvg. The
//! font is compiled in (DejaVu Sans, `assets/fonts/`, under its own free licence) and no system
//! font is ever consulted, so every machine writes the same bytes.

use std::fmt::Write;
use std::sync::OnceLock;

use resvg::{tiny_skia, usvg};

use super::Escaped;
use super::view::score_text;
use crate::content::UseCase;
use crate::error::Diagnostic;
use crate::format::fixed_into;
use crate::site::Site;

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
const FONT_FAMILY: &str = "DejaVu Sans";

const BACKGROUND: &str = "#10141b";
const PANEL: &str = "#171d27";
const TEXT: &str = "#e6e9ef";
const MUTED: &str = "#a3acbb";
const ACCENT: &str = "#8fb0ff";
const MARGIN: f64 = 72.0;

/// Where a use case's card is published, relative to the output root.
pub fn use_case_path(slug: &str) -> String {
    ["use-cases/", slug, "/social.png"].concat()
}

/// Where the site's own card is published.
pub const SITE_PATH: &str = "social.png";

fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut options = usvg::Options {
            font_family: FONT_FAMILY.into(),
            ..usvg::Options::default()
        };
        let fonts = options.fontdb_mut();
        fonts.load_font_data(FONT_REGULAR.to_vec());
        fonts.load_font_data(FONT_BOLD.to_vec());
        options
    })
}

/// Changes whenever a release could draw the same SVG differently; see [`crate::cache`].
pub const DRAWING_VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), "/resvg-0.49/png-fast-palette");

/// Whether kept bytes are a whole PNG: its signature first and its IEND chunk last.
pub fn is_whole_png(bytes: &[u8]) -> bool {
    const START: &[u8] = b"\x89PNG\r\n\x1a\n";
    const END: &[u8] = &[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];
    bytes.starts_with(START) && bytes.ends_with(END)
}

/// Rasterises a card's SVG to PNG bytes.
pub fn rasterise(svg: &str) -> Result<Vec<u8>, Diagnostic> {
    let fail = |what: &str| Diagnostic::general(format!("social image: {what}"));
    let tree = usvg::Tree::from_str(svg, options()).map_err(|e| fail(&e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or_else(|| fail("no canvas"))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    encode(&pixmap).map_err(|e| fail(&e.to_string()))
}

/// PNG bytes of an opaque card. A card is flat colours and the anti-aliased edges between
/// them, a few hundred colours at most, so it is written with a palette when its colours fit
/// one: the same pixels in a third of the bytes, which every build writes and every link
/// preview downloads. A card with more colours is written as RGB; neither keeps the alpha
/// channel, which an opaque card does not use. The encoder's fast mode (fdeflate, tuned for
/// PNG) compresses flat colours almost as well as the default mode, several times faster.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let rgb: Vec<[u8; 3]> = pixmap
        .pixels()
        .iter()
        .map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()]
        })
        .collect();
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, pixmap.width(), pixmap.height());
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let data = match palette(&rgb) {
        Some((colours, indices)) => {
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_palette(colours.concat());
            indices
        }
        None => {
            encoder.set_color(png::ColorType::Rgb);
            rgb.concat()
        }
    };
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(bytes)
}

/// The colours of an image in the order they first appear, and each pixel's index among
/// them; none when there are more than a palette holds.
fn palette(pixels: &[[u8; 3]]) -> Option<(Vec<[u8; 3]>, Vec<u8>)> {
    let mut colours: Vec<[u8; 3]> = Vec::new();
    let mut index: rustc_hash::FxHashMap<[u8; 3], u8> = rustc_hash::FxHashMap::default();
    let mut indices = Vec::with_capacity(pixels.len());
    let mut last: Option<([u8; 3], u8)> = None;
    for &p in pixels {
        // Runs of one colour are the rule on a card: most pixels skip the lookup.
        let i = match last {
            Some((colour, i)) if colour == p => i,
            _ => match index.get(&p) {
                Some(&i) => i,
                None => {
                    let i = u8::try_from(colours.len()).ok()?;
                    colours.push(p);
                    index.insert(p, i);
                    i
                }
            },
        };
        last = Some((p, i));
        indices.push(i);
    }
    Some((colours, indices))
}

/// An estimate of the width DejaVu Sans gives `text` at `size`, generous so that text cut
/// to fit never runs off the card.
fn width(text: &str, size: f64, bold: bool) -> f64 {
    chars_width(text.chars().count(), size, bold)
}

fn chars_width(chars: usize, size: f64, bold: bool) -> f64 {
    let per_char = if bold { 0.68 } else { 0.62 };
    chars as f64 * size * per_char
}

/// The text, or as much of it as fits `room` with an ellipsis. The cut is found in one pass:
/// the site card fits the names of every use case, which on a large site run to megabytes.
fn fit(text: &str, size: f64, bold: bool, room: f64) -> String {
    if width(text, size, bold) <= room {
        return text.to_string();
    }
    let mut end = 0;
    for (n, (i, c)) in text.char_indices().enumerate() {
        if chars_width(n + 1, size, bold) + size > room {
            break;
        }
        end = i + c.len_utf8();
    }
    format!("{}…", text[..end].trim_end())
}

/// Breaks text into at most `lines` lines that fit `room`; the last one is cut if needed.
fn wrap(text: &str, size: f64, room: f64, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, size, false) > room && !current.is_empty() {
            out.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    if out.len() > lines {
        let rest = out[lines - 1..].join(" ");
        out.truncate(lines - 1);
        out.push(fit(&rest, size, false, room));
    }
    out
}

fn text(
    svg: &mut String,
    (x, y): (f64, f64),
    size: f64,
    bold: bool,
    fill: &str,
    anchor: &str,
    content: &str,
) {
    // Every build writes each use case's card to know whether it changed: the whole numbers
    // are written by `fixed_into`, as `{:.0}` writes them, without the formatting machinery.
    for (before, v) in [("<text x=\"", x), ("\" y=\"", y), ("\" font-size=\"", size)] {
        svg.push_str(before);
        fixed_into(svg, v, 0);
    }
    let weight = if bold { "bold" } else { "normal" };
    for piece in [
        "\" font-weight=\"",
        weight,
        "\" fill=\"",
        fill,
        "\" text-anchor=\"",
        anchor,
        "\">",
    ] {
        svg.push_str(piece);
    }
    Escaped(content).push_to(svg);
    svg.push_str("</text>");
}

fn frame(site: &Site) -> String {
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"{FONT_FAMILY}\">\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{BACKGROUND}\"/>\
         <rect width=\"{WIDTH}\" height=\"10\" fill=\"{ACCENT}\"/>"
    );
    let room = f64::from(WIDTH) - 2.0 * MARGIN;
    text(
        &mut svg,
        (MARGIN, 92.0),
        30.0,
        true,
        TEXT,
        "start",
        &fit(&site.settings.title, 30.0, true, room),
    );
    svg
}

fn footer(svg: &mut String, site: &Site, updated: Option<String>) {
    let y = f64::from(HEIGHT) - 48.0;
    if let Some(date) = updated {
        text(
            svg,
            (MARGIN, y),
            24.0,
            false,
            MUTED,
            "start",
            &format!("Last updated {date}"),
        );
    }
    let host = site
        .settings
        .base_url
        .split_once("://")
        .map_or(site.settings.base_url.as_str(), |(_, rest)| rest)
        .trim_end_matches('/');
    text(
        svg,
        (f64::from(WIDTH) - MARGIN, y),
        24.0,
        false,
        MUTED,
        "end",
        host,
    );
}

/// How many of a use case's models its card shows.
pub const TOP: usize = 3;

/// One of the models a use case's card names: its rank, its name and the figure beside it.
pub struct Place<'a> {
    rank: usize,
    name: &'a str,
    figure: String,
}

/// The first [`TOP`] models of a use case as its card names them, with the score of a
/// weighted ranking or else the headline figure. They are made from the ranking rather than
/// from the leaderboard's rows, which hold far more than a card prints and cost far more to
/// make.
pub fn top_places<'a>(site: &'a Site, u: &UseCase) -> Vec<Place<'a>> {
    site.top(&u.slug)
        .iter()
        .take(TOP)
        .filter_map(|r| {
            let model = site.catalog.models.get(&*r.id)?;
            let headline = site.figure_by_key(model, &u.headline)?;
            let figure = match r.score {
                Some(score) => format!("score {}", score_text(score)),
                None => format!("{} {}", headline.short_label, headline.text),
            };
            Some(Place {
                rank: r.rank,
                name: &model.name,
                figure,
            })
        })
        .collect()
}

/// The card of a use case: its title and its top three with their scores or headline figure.
pub fn use_case_card(site: &Site, u: &UseCase, top: &[Place]) -> String {
    let mut svg = frame(site);
    let room = f64::from(WIDTH) - 2.0 * MARGIN;
    text(
        &mut svg,
        (MARGIN, 150.0),
        24.0,
        false,
        ACCENT,
        "start",
        "BEST MODELS FOR",
    );
    text(
        &mut svg,
        (MARGIN, 214.0),
        56.0,
        true,
        TEXT,
        "start",
        &fit(&u.short_title, 56.0, true, room),
    );
    for (i, row) in top.iter().take(TOP).enumerate() {
        let y = 262.0 + 86.0 * i as f64;
        let _ = write!(
            svg,
            "<rect x=\"{MARGIN:.0}\" y=\"{y:.0}\" width=\"{room:.0}\" height=\"72\" rx=\"12\" fill=\"{PANEL}\"/>"
        );
        let figure = &row.figure;
        let figure_room = width(figure, 30.0, false) + 24.0;
        text(
            &mut svg,
            (MARGIN + 24.0, y + 48.0),
            32.0,
            true,
            ACCENT,
            "start",
            &format!("#{}", row.rank),
        );
        let name_room = room - 110.0 - figure_room;
        text(
            &mut svg,
            (MARGIN + 100.0, y + 48.0),
            32.0,
            true,
            TEXT,
            "start",
            &fit(row.name, 32.0, true, name_room),
        );
        text(
            &mut svg,
            (MARGIN + room - 24.0, y + 47.0),
            28.0,
            false,
            MUTED,
            "end",
            figure,
        );
    }
    if top.is_empty() {
        text(
            &mut svg,
            (MARGIN, 320.0),
            32.0,
            false,
            MUTED,
            "start",
            "No model meets this ranking's rules yet.",
        );
    }
    footer(&mut svg, site, site.use_case_updated(u).map(|d| d.long()));
    svg.push_str("</svg>");
    svg
}

/// The card of every other page: the site's title, description and rankings.
pub fn site_card(site: &Site, updated: Option<String>) -> String {
    let mut svg = frame(site);
    let room = f64::from(WIDTH) - 2.0 * MARGIN;
    text(
        &mut svg,
        (MARGIN, 150.0),
        24.0,
        false,
        ACCENT,
        "start",
        "USE-CASE RANKINGS OF AI MODELS",
    );
    for (i, line) in wrap(&site.settings.description, 40.0, room, 4)
        .iter()
        .enumerate()
    {
        text(
            &mut svg,
            (MARGIN, 222.0 + 56.0 * i as f64),
            40.0,
            false,
            TEXT,
            "start",
            line,
        );
    }
    let names: Vec<&str> = site
        .content
        .use_cases
        .iter()
        .map(|u| u.short_title.as_str())
        .collect();
    if !names.is_empty() {
        let line = fit(&names.join(" · "), 28.0, true, room);
        text(
            &mut svg,
            (MARGIN, 500.0),
            28.0,
            true,
            ACCENT,
            "start",
            &line,
        );
    }
    footer(&mut svg, site, updated);
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_are_png_at_the_size_previews_expect() {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\"><text x=\"10\" y=\"50\" font-size=\"40\">Card &amp; text</text></svg>"
        );
        let png = rasterise(&svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[16..24], &[0, 0, 4, 176, 0, 0, 2, 118]);
        assert_eq!(png, rasterise(&svg).unwrap());
        assert!(is_whole_png(&png));
        assert!(!is_whole_png(&png[..png.len() - 1]));
    }

    /// The pixels a PNG decodes to, as RGB.
    fn decoded(png: &[u8]) -> Vec<u8> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        pixels.truncate(info.buffer_size());
        pixels
    }

    fn pixmap_of(colours: impl Fn(u32, u32) -> [u8; 3]) -> tiny_skia::Pixmap {
        let mut pixmap = tiny_skia::Pixmap::new(300, 200).unwrap();
        for (i, p) in pixmap.pixels_mut().iter_mut().enumerate() {
            let [r, g, b] = colours(i as u32 % 300, i as u32 / 300);
            *p = tiny_skia::ColorU8::from_rgba(r, g, b, 255).premultiply();
        }
        pixmap
    }

    fn rgb_of(pixmap: &tiny_skia::Pixmap) -> Vec<u8> {
        let rgba = pixmap.data();
        rgba.chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect()
    }

    #[test]
    fn cards_keep_every_pixel_with_or_without_a_palette() {
        // 256 colours fit a palette; 257 do not.
        for (count, palette_expected) in [(256, true), (257, false)] {
            let pixmap = pixmap_of(|x, y| {
                let c = (x + 300 * y) % count;
                [(c % 256) as u8, (c / 256) as u8 * 200, 40]
            });
            let png = encode(&pixmap).unwrap();
            // The colour type byte of the header: 3 is indexed, 2 is RGB.
            assert_eq!(png[25] == 3, palette_expected, "{count} colours");
            assert_eq!(decoded(&png), rgb_of(&pixmap), "{count} colours");
        }
    }

    #[test]
    fn a_drawn_card_is_written_with_a_palette_and_decodes_to_its_pixels() {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\"><rect width=\"100%\" height=\"100%\" fill=\"#0f172a\"/><text x=\"40\" y=\"120\" font-size=\"64\" fill=\"#f8fafc\">Coding: the top three</text></svg>"
        );
        let tree = usvg::Tree::from_str(&svg, options()).unwrap();
        let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).unwrap();
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        let png = rasterise(&svg).unwrap();
        assert_eq!(png[25], 3, "indexed colour");
        assert_eq!(decoded(&png), rgb_of(&pixmap));
    }

    #[test]
    fn long_text_is_cut_or_wrapped_to_fit() {
        let cut = fit(&"x".repeat(200), 30.0, true, 600.0);
        assert!(cut.ends_with('…') && width(&cut, 30.0, true) <= 600.0 + 30.0);
        // The longest prefix that fits, whatever the characters' lengths in bytes.
        let text = "Coding·Agentic·Résumé·writing·ünïcode";
        for room in (0..800).step_by(7).map(f64::from) {
            let cut = fit(text, 28.0, true, room);
            if width(text, 28.0, true) <= room {
                assert_eq!(cut, text);
                continue;
            }
            let kept = cut.strip_suffix('…').unwrap();
            let n = kept.chars().count();
            assert!(text.starts_with(kept), "{cut}");
            assert!(
                n == 0 || chars_width(n, 28.0, true) + 28.0 <= room,
                "{cut} at {room}"
            );
            assert!(
                chars_width(n + 1, 28.0, true) + 28.0 > room,
                "{cut} at {room}"
            );
        }
        let lines = wrap("one two three four five six seven eight", 40.0, 300.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
    }
}
