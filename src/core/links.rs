//! Ways to share a link: the bare URL, Markdown, HTML and BBCode, or the
//! user's own template; and the `[ui] link_format` setting that picks one.

use crate::core::link_template::{LinkInfo, LinkTemplate, LinkTemplateError};
use serde::{Deserialize, Serialize};

/// A format the UI offers to copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkFormat {
    Url,
    Markdown,
    Html,
    BbCode,
}

impl LinkFormat {
    pub const ALL: [LinkFormat; 4] = [Self::Url, Self::Markdown, Self::Html, Self::BbCode];

    pub fn label(self) -> &'static str {
        match self {
            Self::Url => "URL",
            Self::Markdown => "Markdown",
            Self::Html => "HTML",
            Self::BbCode => "BBCode",
        }
    }

    /// Renders an image link; `name` is the alt text (the original file name).
    pub fn render(self, url: &str, name: &str) -> String {
        match self {
            Self::Url => url.to_owned(),
            Self::Markdown => format!("![{}]({})", escape_markdown_text(name), url.replace(')', "%29")),
            Self::Html => format!("<img src=\"{}\" alt=\"{}\">", escape_html(url), escape_html(name)),
            Self::BbCode => format!("[img]{url}[/img]"),
        }
    }
}

/// `[ui] link_format`: what auto-copy and the hotkey put on the clipboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkFormatSetting {
    #[default]
    Url,
    Markdown,
    Html,
    BbCode,
    /// `[ui] link_template`.
    Custom,
}

impl LinkFormatSetting {
    pub const ALL: [LinkFormatSetting; 5] = [Self::Url, Self::Markdown, Self::Html, Self::BbCode, Self::Custom];

    pub fn label(self) -> &'static str {
        match self {
            Self::Url => "URL",
            Self::Markdown => "Markdown",
            Self::Html => "HTML",
            Self::BbCode => "BBCode",
            Self::Custom => "Custom template",
        }
    }

    /// The format to render with; `template` is used only by `Custom`.
    pub fn resolve(self, template: &str) -> Result<LinkText, LinkTemplateError> {
        Ok(match self {
            Self::Url => LinkText::Format(LinkFormat::Url),
            Self::Markdown => LinkText::Format(LinkFormat::Markdown),
            Self::Html => LinkText::Format(LinkFormat::Html),
            Self::BbCode => LinkText::Format(LinkFormat::BbCode),
            Self::Custom => LinkText::Template(LinkTemplate::parse(template)?),
        })
    }
}

/// A link format ready to render: a built-in one or the user's template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkText {
    Format(LinkFormat),
    Template(LinkTemplate),
}

impl LinkText {
    pub fn render(&self, info: &LinkInfo<'_>) -> String {
        match self {
            Self::Format(format) => format.render(info.url, info.filename),
            Self::Template(template) => template.render(info),
        }
    }
}

impl From<LinkFormat> for LinkText {
    fn from(format: LinkFormat) -> Self {
        Self::Format(format)
    }
}

fn escape_markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:9000/photos/a_b.jpg?X-Amz-Signature=ab&X-Amz-Expires=60";

    #[test]
    fn each_format_embeds_the_url_once() {
        for format in LinkFormat::ALL {
            let text = format.render(URL, "cat.jpg");
            let expected = if format == LinkFormat::Html {
                URL.replace('&', "&amp;")
            } else {
                URL.to_owned()
            };
            assert_eq!(text.matches(&expected).count(), 1, "{format:?}: {text}");
        }
    }

    #[test]
    fn markdown_and_html_escape_the_name() {
        assert_eq!(
            LinkFormat::Markdown.render("http://x/y", "a [b]_c.png"),
            "![a \\[b\\]\\_c.png](http://x/y)"
        );
        assert_eq!(
            LinkFormat::Html.render("http://x/y?a=1&b=2", "\"<tag>\""),
            "<img src=\"http://x/y?a=1&amp;b=2\" alt=\"&quot;&lt;tag&gt;&quot;\">"
        );
        assert_eq!(LinkFormat::BbCode.render("http://x/y", "n"), "[img]http://x/y[/img]");
    }

    #[test]
    fn the_setting_resolves_to_a_built_in_format_or_the_template() {
        let info = LinkInfo {
            url: "http://x/y",
            filename: "n.png",
            key: "k/n.png",
            dimensions: Some((3, 4)),
        };
        let render = |setting: LinkFormatSetting, template: &str| setting.resolve(template).map(|t| t.render(&info));
        assert_eq!(
            render(LinkFormatSetting::Url, "ignored {nope}"),
            Ok("http://x/y".into())
        );
        assert_eq!(
            render(LinkFormatSetting::BbCode, ""),
            Ok("[img]http://x/y[/img]".into())
        );
        assert_eq!(
            render(LinkFormatSetting::Markdown, ""),
            Ok("![n.png](http://x/y)".into())
        );
        assert_eq!(
            render(LinkFormatSetting::Custom, "{key} {width}x{height} {url}"),
            Ok("k/n.png 3x4 http://x/y".into())
        );
        assert_eq!(render(LinkFormatSetting::Custom, ""), Err(LinkTemplateError::Empty));
    }
}
