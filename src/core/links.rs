//! Ways to share a link: the bare URL, Markdown, HTML and BBCode.

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
}
