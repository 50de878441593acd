//! Markdown as GitHub reads it (CommonMark with tables), through a real
//! parser: what a rendered page holds.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

#[derive(Default, Debug)]
pub struct Read {
    pub tables: usize,
    /// Fenced code blocks: info string and body.
    pub code: Vec<(String, String)>,
    /// HTML the page holds, with mon's own tags taken out: must be no tag.
    pub html_left: String,
    /// The text outside code blocks.
    pub text: String,
}

const OURS: &[&str] = &["<details>", "</details>", "<summary>", "</summary>", "<br>"];

pub fn read(md: &str) -> Read {
    let mut r = Read::default();
    let mut in_code: Option<(String, String)> = None;
    for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match e {
            Event::Start(Tag::Table(_)) => r.tables += 1,
            Event::Start(Tag::CodeBlock(k)) => {
                let info = match k {
                    CodeBlockKind::Fenced(i) => i.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                in_code = Some((info, String::new()));
            }
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => r.code.extend(in_code.take()),
            Event::Text(t) => match &mut in_code {
                Some((_, body)) => body.push_str(&t),
                None => r.text.push_str(&t),
            },
            Event::Html(h) | Event::InlineHtml(h) => {
                let mut h = h.to_string();
                for t in OURS {
                    h = h.replace(t, "");
                }
                r.html_left.push_str(&h);
            }
            _ => {}
        }
    }
    r
}
