//! `--format` and `--template`: how `link` and `upload` print each link.

use crate::core::{Config, LinkFormat, LinkTemplate, LinkText};

#[derive(Debug, Clone, clap::Args)]
pub struct FormatArgs {
    /// How to print each link. `custom` uses --template, or link_template from
    /// the config file. Default: url (custom when --template is given).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Your own format, with {url}, {filename}, {key}, {width} and {height};
    /// {{ and }} write literal braces. Example: '<a href="{url}">{filename}</a>'.
    #[arg(long, value_name = "TEMPLATE")]
    pub template: Option<String>,
}

/// The link formats, as typed on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Url,
    Markdown,
    Html,
    Bbcode,
    Custom,
}

impl FormatArgs {
    /// True when a format was asked for (to refuse it beside `--json`).
    pub fn given(&self) -> bool {
        self.format.is_some() || self.template.is_some()
    }

    /// The format to print with, or the sentence to print when there is none.
    pub fn link_text(&self, config: &Config) -> Result<LinkText, String> {
        let built_in = |format| Ok(LinkText::Format(format));
        match (self.format, &self.template) {
            (None | Some(Format::Custom), Some(template)) => LinkTemplate::parse(template)
                .map(LinkText::Template)
                .map_err(|error| error.to_string()),
            (Some(Format::Custom), None) if !config.ui.link_template.trim().is_empty() => {
                LinkTemplate::parse(&config.ui.link_template)
                    .map(LinkText::Template)
                    .map_err(|error| format!("link_template in the config file: {error}"))
            }
            (Some(Format::Custom), None) => Err(
                "--format custom needs --template '…' or link_template in the config file, like '[{filename}]({url})'."
                    .into(),
            ),
            (Some(_), Some(_)) => Err("--template goes with --format custom only; drop one of them.".into()),
            (None | Some(Format::Url), None) => built_in(LinkFormat::Url),
            (Some(Format::Markdown), None) => built_in(LinkFormat::Markdown),
            (Some(Format::Html), None) => built_in(LinkFormat::Html),
            (Some(Format::Bbcode), None) => built_in(LinkFormat::BbCode),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::LinkInfo;

    fn args(format: Option<Format>, template: Option<&str>) -> FormatArgs {
        FormatArgs {
            format,
            template: template.map(str::to_owned),
        }
    }

    #[test]
    fn custom_uses_the_template_given_or_the_configured_one() {
        let info = LinkInfo {
            url: "http://x/k",
            filename: "a.png",
            key: "k",
            dimensions: Some((2, 3)),
        };
        let mut config = Config::default();
        let text = |a: FormatArgs, c: &Config| a.link_text(c).map(|t| t.render(&info));
        assert_eq!(text(args(None, None), &config), Ok("http://x/k".into()));
        assert_eq!(
            text(args(Some(Format::Bbcode), None), &config),
            Ok("[img]http://x/k[/img]".into())
        );
        assert_eq!(text(args(None, Some("{key}:{width}")), &config), Ok("k:2".into()));
        assert_eq!(
            text(args(Some(Format::Custom), Some("{filename}")), &config),
            Ok("a.png".into())
        );
        assert!(
            text(args(Some(Format::Custom), None), &config)
                .unwrap_err()
                .contains("--template")
        );
        config.ui.link_template = "<{url}>".into();
        assert_eq!(
            text(args(Some(Format::Custom), None), &config),
            Ok("<http://x/k>".into())
        );
        assert!(text(args(Some(Format::Html), Some("{url}")), &config).is_err());
        assert!(text(args(None, Some("{uri}")), &config).unwrap_err().contains("{uri}"));
    }
}
