//! Printing diagnostics for people: the message, the file, line and column, and the source
//! line with the offending part underlined (drawn by miette).

use std::fs;
use std::path::Path;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use crate::error::{Diagnostic, Severity, display_path};

/// Renders diagnostics as text; sources are read from `root` to show the offending line.
pub fn render(root: &Path, diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut text = String::new();
    for d in diagnostics {
        let report = to_report(root, d);
        if handler.render_report(&mut text, report.as_ref()).is_err() {
            text.push_str(&d.to_string());
        }
        text.push('\n');
    }
    text
}

fn to_report(root: &Path, d: &Diagnostic) -> Report {
    let mut diagnostic = MietteDiagnostic::new(match &d.location {
        Some(l) => format!("{l}: {}", d.message),
        None => d.message.clone(),
    })
    .with_severity(match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    });
    if let Some(help) = &d.help {
        diagnostic = diagnostic.with_help(help.clone());
    }
    let Some(location) = &d.location else {
        return Report::new(diagnostic);
    };
    // Only files the site could have read are quoted: a message about a huge file must not
    // load it, and one about a symbolic link must not show what it points to.
    let path = root.join(&location.file);
    let small = fs::symlink_metadata(&path)
        .is_ok_and(|m| m.is_file() && m.len() <= crate::input::MAX_FILE_BYTES);
    let Some(text) = small.then(|| fs::read_to_string(&path).ok()).flatten() else {
        return Report::new(diagnostic);
    };
    let Some((offset, len)) = span_at(&text, location.line, location.column) else {
        return Report::new(diagnostic);
    };
    let diagnostic = diagnostic.with_label(LabeledSpan::at(offset..offset + len, "here"));
    Report::new(diagnostic).with_source_code(NamedSource::new(display_path(&location.file), text))
}

/// The byte span of the token at a 1-based line and column (up to the next space).
fn span_at(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    let line_text = text[line_start..].split('\n').next().unwrap_or("");
    let col_offset = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    let rest = &line_text[col_offset..];
    let len = rest
        .find(char::is_whitespace)
        .unwrap_or(rest.len())
        .max(usize::from(!rest.is_empty()));
    Some((line_start + col_offset, len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;

    #[test]
    fn underlines_the_token_at_the_location() {
        assert_eq!(span_at("a: 1\nweight: abc\n", 2, 9), Some((13, 3)));
        assert_eq!(span_at("x\n", 1, 1), Some((0, 1)));
    }

    #[test]
    fn shows_the_source_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.yaml"), "title: t\nbase_url: nope\n").unwrap();
        let d = Diagnostic::error(Location::new("site.yaml", 2, 11), "not a web address");
        let text = render(dir.path(), &[d], false);
        assert!(text.contains("site.yaml:2:11"), "{text}");
        assert!(text.contains("base_url: nope"), "{text}");
    }
}
