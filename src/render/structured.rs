//! Structured data (schema.org as JSON-LD) for every page, written with serde_json.
//!
//! Every page gets a `BreadcrumbList` (the home page a `WebSite`); leaderboards an `ItemList`
//! of the ranked models and a `Dataset` whose downloads are `ranking.json` and `ranking.csv`;
//! FAQ pages a `FAQPage`; guides an `Article` with `dateModified`. A leaderboard repeats its
//! use case's questions, but only the FAQ page marks them up: schema.org consumers expect one
//! page per question.

use serde::Serialize;
use serde_json::{Value, json};

use super::pages::{Page, PageKind, PageMeta};
use super::prose::RenderedSite;
use crate::site::Site;

/// The `<script type="application/ld+json">` body for a page.
pub fn json_ld(site: &Site, html: &RenderedSite, page: &Page, meta: &PageMeta) -> String {
    let mut graph: Vec<String> = Vec::new();
    if meta.breadcrumbs.len() > 1 {
        graph.push(breadcrumbs(site, meta));
    }
    match &page.kind {
        PageKind::Home => {
            graph.push(website(site).to_string());
            graph.push(models_dataset(site, page).to_string());
        }
        PageKind::Leaderboard { use_case } => {
            graph.push(item_list(site, use_case, meta));
            graph.push(ranking_dataset(site, use_case, page, meta).to_string());
        }
        PageKind::Faq { use_case } => graph.extend(faq_page(html, use_case, meta)),
        PageKind::Guide { .. } => graph.push(article(site, page, meta).to_string()),
        _ => {}
    }
    let mut json = String::with_capacity(64 + graph.iter().map(|g| g.len() + 1).sum::<usize>());
    json.push_str("{\"@context\":\"https://schema.org\",\"@graph\":[");
    for (i, item) in graph.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(item);
    }
    json.push_str("]}");
    script_safe(json)
}

/// JSON that cannot end its `<script>` element: every `<` is written as `\u003c`, which
/// covers `</script` and `<!--` and leaves the value the same. Most pages' JSON has none, and
/// is kept as it is rather than copied.
fn script_safe(json: String) -> String {
    if json.contains('<') {
        json.replace('<', "\\u003c")
    } else {
        json
    }
}

/// A site link (`/sub/use-cases/x/`) as an absolute URL.
fn absolute(site: &Site, link: &str) -> String {
    let path = link.strip_prefix(site.base_path()).unwrap_or(link);
    [site.settings.base_url.as_str(), path].concat()
}

fn publisher(site: &Site) -> Value {
    json!({
        "@type": "Organization",
        "name": site.settings.title,
        "url": site.settings.base_url,
    })
}

/// One step of a breadcrumb trail, its fields in the order `json!` would write them.
#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: &'a str,
    position: usize,
}

/// Nearly every page has a trail, so it is written from a struct rather than built as a
/// JSON tree first.
fn breadcrumbs(site: &Site, meta: &PageMeta) -> String {
    #[derive(Serialize)]
    struct BreadcrumbList<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "itemListElement")]
        items: Vec<ListItem<'a>>,
    }
    let items = meta
        .breadcrumbs
        .iter()
        .enumerate()
        .map(|(i, crumb)| ListItem {
            kind: "ListItem",
            item: absolute(site, &crumb.url),
            name: &crumb.name,
            position: i + 1,
        })
        .collect();
    let list = BreadcrumbList {
        kind: "BreadcrumbList",
        items,
    };
    serde_json::to_string(&list).unwrap_or_default()
}

fn website(site: &Site) -> Value {
    json!({
        "@type": "WebSite",
        "name": site.settings.title,
        "description": site.settings.description,
        "url": site.settings.base_url,
        "inLanguage": site.settings.language,
    })
}

fn with_date(mut value: Value, page: &Page) -> Value {
    if let Some(d) = page.updated {
        value["dateModified"] = json!(d.to_string());
    }
    value
}

fn models_dataset(site: &Site, page: &Page) -> Value {
    let url = format!("{}data/models.json", site.settings.base_url);
    with_date(
        json!({
            "@type": "Dataset",
            "name": format!("{}: every model and figure", site.settings.title),
            "description": "Every published model with each benchmark, speed and price figure, its source, its date and whether the vendor claimed it.",
            "url": site.settings.base_url,
            "creator": publisher(site),
            "distribution": [{
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": url,
            }],
        }),
        page,
    )
}

/// An `ItemList` of a leaderboard's ranked models. Written from structs, like the
/// breadcrumbs, with the members in the sorted order `json!` gives the other items.
fn item_list(site: &Site, slug: &str, meta: &PageMeta) -> String {
    #[derive(Serialize)]
    struct RankedItem<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        name: &'a str,
        position: usize,
        url: String,
    }
    #[derive(Serialize)]
    struct ItemList<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "itemListElement")]
        items: Vec<RankedItem<'a>>,
        #[serde(rename = "itemListOrder")]
        order: &'static str,
        name: &'a str,
        #[serde(rename = "numberOfItems")]
        count: usize,
    }
    let ranked = site.rankings.get(slug).map_or(&[][..], |r| &r.ranked[..]);
    let items: Vec<RankedItem> = ranked
        .iter()
        .filter_map(|r| {
            let model = site.catalog.models.get(&*r.id)?;
            Some(RankedItem {
                kind: "ListItem",
                name: &model.name,
                position: r.rank,
                url: format!("{}use-cases/{slug}/{}/", site.settings.base_url, r.id),
            })
        })
        .collect();
    let list = ItemList {
        kind: "ItemList",
        count: items.len(),
        items,
        order: "https://schema.org/ItemListOrderAscending",
        name: &meta.title,
    };
    serde_json::to_string(&list).unwrap_or_default()
}

fn ranking_dataset(site: &Site, slug: &str, page: &Page, meta: &PageMeta) -> Value {
    let base = format!("{}use-cases/{slug}/", site.settings.base_url);
    with_date(
        json!({
            "@type": "Dataset",
            "name": format!("Ranking: {}", meta.title),
            "description": format!("The computed ranking behind the page, with every criterion's value, scaled value and contribution for each model. {}", meta.description),
            "url": meta.canonical,
            "creator": publisher(site),
            "isAccessibleForFree": true,
            "distribution": [
                { "@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": format!("{base}ranking.json") },
                { "@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": format!("{base}ranking.csv") },
            ],
        }),
        page,
    )
}

/// A `FAQPage` of a use case's questions, written from structs like [`item_list`]: the
/// answers are whole paragraphs of HTML, and building them into a JSON tree first copied
/// each one twice.
fn faq_page(html: &RenderedSite, slug: &str, meta: &PageMeta) -> Option<String> {
    #[derive(Serialize)]
    struct Answer<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        text: &'a str,
    }
    #[derive(Serialize)]
    struct Question<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "acceptedAnswer")]
        answer: Answer<'a>,
        name: String,
    }
    #[derive(Serialize)]
    struct FaqPage<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "mainEntity")]
        questions: Vec<Question<'a>>,
        name: &'a str,
        url: &'a str,
    }
    let questions: Vec<Question> = html
        .use_cases
        .get(slug)?
        .faq
        .iter()
        .map(|q| Question {
            kind: "Question",
            answer: Answer {
                kind: "Answer",
                text: q.answer.trim(),
            },
            name: plain_text(&q.question),
        })
        .collect();
    if questions.is_empty() {
        return None;
    }
    let page = FaqPage {
        kind: "FAQPage",
        questions,
        name: &meta.title,
        url: &meta.canonical,
    };
    Some(serde_json::to_string(&page).unwrap_or_default())
}

fn article(site: &Site, page: &Page, meta: &PageMeta) -> Value {
    with_date(
        json!({
            "@type": "Article",
            "headline": meta.title,
            "description": meta.description,
            "url": meta.canonical,
            "mainEntityOfPage": meta.canonical,
            "image": meta.image,
            "inLanguage": site.settings.language,
            "author": publisher(site),
            "publisher": publisher(site),
        }),
        page,
    )
}

/// The text of a fragment of rendered HTML: tags dropped, the escapes HTML-escaping writes
/// turned back into characters.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_can_close_the_script() {
        let value = json!({ "text": "</script><!-- x" });
        let safe = script_safe(value.to_string());
        assert!(!safe.contains('<'));
        assert_eq!(serde_json::from_str::<Value>(&safe).unwrap(), value);
    }

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            plain_text("Why is <strong>A &amp; B</strong> not &lt;ranked&gt;?"),
            "Why is A & B not <ranked>?"
        );
    }
}
