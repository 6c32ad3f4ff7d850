//! The user's own link format: a template such as `<a href="{url}">{filename}</a>`
//! with `{url}`, `{filename}`, `{key}`, `{width}` and `{height}`; `{{` and `}}`
//! stand for literal braces. Values are put in as they are, without escaping:
//! the template decides the syntax.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Url,
    Filename,
    Key,
    Width,
    Height,
}

/// A parsed link template.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkTemplate {
    text: String,
    parts: Vec<Part>,
}

/// The placeholders, as the error messages list them.
const PLACEHOLDERS: &str = "{url}, {filename}, {key}, {width} and {height}";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkTemplateError {
    #[error("The link template is empty; write one with {PLACEHOLDERS}, like [{{filename}}]({{url}}).")]
    Empty,
    #[error("The link template has an unknown placeholder {{{0}}}; use {PLACEHOLDERS}.")]
    UnknownPlaceholder(String),
    #[error("The link template has a {{ that is not closed; placeholders look like {{url}}, and {{{{ writes a {{.")]
    Unclosed,
    #[error("The link template has a }} with no {{ before it; write }}}} for a literal }}.")]
    StrayClose,
}

/// What a link is made of.
#[derive(Clone, Copy, Debug)]
pub struct LinkInfo<'a> {
    pub url: &'a str,
    /// The original file name (the alt text of the built-in formats).
    pub filename: &'a str,
    /// The object key in the bucket.
    pub key: &'a str,
    /// Width and height in pixels, when known (otherwise the placeholders are empty).
    pub dimensions: Option<(u32, u32)>,
}

impl LinkTemplate {
    pub fn parse(text: &str) -> Result<Self, LinkTemplateError> {
        if text.trim().is_empty() {
            return Err(LinkTemplateError::Empty);
        }
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, next)| next) == Some('{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().map(|&(_, next)| next) == Some('}') => {
                    chars.next();
                    literal.push('}');
                }
                '}' => return Err(LinkTemplateError::StrayClose),
                '{' => {
                    let rest = &text[at + 1..];
                    let close = rest.find('}').ok_or(LinkTemplateError::Unclosed)?;
                    let name = &rest[..close];
                    let part = match name {
                        "url" => Part::Url,
                        "filename" => Part::Filename,
                        "key" => Part::Key,
                        "width" => Part::Width,
                        "height" => Part::Height,
                        other if other.contains('{') => return Err(LinkTemplateError::Unclosed),
                        other => return Err(LinkTemplateError::UnknownPlaceholder(other.to_owned())),
                    };
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(part);
                    // Skip the name and its `}`.
                    for _ in 0..=name.chars().count() {
                        chars.next();
                    }
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Self {
            text: text.to_owned(),
            parts,
        })
    }

    pub fn render(&self, info: &LinkInfo<'_>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Url => out.push_str(info.url),
                Part::Filename => out.push_str(info.filename),
                Part::Key => out.push_str(info.key),
                Part::Width => out.push_str(&info.dimensions.map(|(w, _)| w.to_string()).unwrap_or_default()),
                Part::Height => out.push_str(&info.dimensions.map(|(_, h)| h.to_string()).unwrap_or_default()),
            }
        }
        out
    }

    /// The template as the user wrote it.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for LinkTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkTemplate({:?})", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: LinkInfo<'static> = LinkInfo {
        url: "https://cdn.example.com/u_a%20b.png",
        filename: "a b.png",
        key: "u_a b.png",
        dimensions: Some((640, 480)),
    };

    #[test]
    fn every_placeholder_is_filled_and_text_is_kept() {
        let template =
            LinkTemplate::parse("<img src=\"{url}\" alt=\"{filename}\" width={width} height={height}> {key}").unwrap();
        assert_eq!(
            template.render(&INFO),
            "<img src=\"https://cdn.example.com/u_a%20b.png\" alt=\"a b.png\" width=640 height=480> u_a b.png"
        );
        assert_eq!(
            LinkTemplate::parse("{url}{url}")
                .unwrap()
                .render(&INFO)
                .matches("cdn")
                .count(),
            2
        );
        assert_eq!(
            LinkTemplate::parse("猫 {url} 🐱").unwrap().render(&INFO),
            format!("猫 {} 🐱", INFO.url)
        );
    }

    #[test]
    fn doubled_braces_are_literal_and_unknown_sizes_are_empty() {
        let template = LinkTemplate::parse("{{\"src\": \"{url}\", \"w\": \"{width}\"}}").unwrap();
        let info = LinkInfo {
            dimensions: None,
            ..INFO
        };
        assert_eq!(
            template.render(&info),
            "{\"src\": \"https://cdn.example.com/u_a%20b.png\", \"w\": \"\"}"
        );
    }

    #[test]
    fn mistakes_are_clear_sentences() {
        assert_eq!(LinkTemplate::parse(" "), Err(LinkTemplateError::Empty));
        assert_eq!(
            LinkTemplate::parse("[img]{link}[/img]"),
            Err(LinkTemplateError::UnknownPlaceholder("link".into()))
        );
        assert_eq!(
            LinkTemplate::parse("{link}").unwrap_err().to_string(),
            "The link template has an unknown placeholder {link}; use {url}, {filename}, {key}, {width} and {height}."
        );
        assert_eq!(LinkTemplate::parse("{url"), Err(LinkTemplateError::Unclosed));
        assert_eq!(LinkTemplate::parse("{ {url}"), Err(LinkTemplateError::Unclosed));
        assert_eq!(LinkTemplate::parse("url}"), Err(LinkTemplateError::StrayClose));
        assert_eq!(
            LinkTemplate::parse("").unwrap_err().to_string(),
            "The link template is empty; write one with {url}, {filename}, {key}, {width} and {height}, like [{filename}]({url})."
        );
    }
}
