use super::*;
use time::macros::date;

fn inputs<'a>(filename: &'a str, sha: Option<&'a str>) -> KeyInputs<'a> {
    KeyInputs {
        uuid: Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap(),
        filename,
        ext: "jpg",
        date: date!(2026 - 11 - 05),
        sha256_hex: sha,
    }
}

#[test]
fn the_default_template_is_uuid_underscore_filename() {
    let key = KeyTemplate::default().render(&inputs("cat.jpg", None));
    assert_eq!(key, "67e55044-10b1-426f-9247-bb680e5fe0c8_cat.jpg");
    assert_eq!(KeyTemplate::parse("{uuid}_{filename}").unwrap(), KeyTemplate::default());
}

#[test]
fn every_field_renders() {
    let template = KeyTemplate::parse("{date}/{stem}-{sha256}.{ext}").unwrap();
    assert!(template.needs_sha256());
    let sha = "0123456789abcdef0123456789abcdef";
    let key = template.render(&inputs("holiday.photo.jpeg", Some(sha)));
    assert_eq!(key, "2026/11/05/holiday.photo-0123456789abcdef.jpg");
}

#[test]
fn bad_templates_say_what_is_wrong() {
    assert_eq!(KeyTemplate::parse(""), Err(TemplateError::Empty));
    assert_eq!(KeyTemplate::parse("{uuid"), Err(TemplateError::Unclosed));
    assert_eq!(
        KeyTemplate::parse("{name}_{uuid}"),
        Err(TemplateError::UnknownField("name".into()))
    );
    assert_eq!(KeyTemplate::parse("{date}/{filename}"), Err(TemplateError::NotUnique));
    assert_eq!(KeyTemplate::parse("/{uuid}"), Err(TemplateError::LeadingSlash));
    assert!(
        TemplateError::UnknownField("name".into())
            .to_string()
            .contains("{filename}")
    );
}

#[test]
fn templates_display_as_written() {
    for text in ["{uuid}_{filename}", "uploads/{date}/{sha256}.{ext}", "x{uuid}y"] {
        assert_eq!(KeyTemplate::parse(text).unwrap().to_string(), text);
    }
}

#[test]
fn sanitising_drops_directories_and_dot_dot() {
    assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
    assert_eq!(sanitize_filename("C:\\Users\\me\\cat.png"), "cat.png");
    assert_eq!(sanitize_filename(".."), "image");
    assert_eq!(sanitize_filename("...hidden..jpg"), "hidden.jpg");
    assert_eq!(sanitize_filename(""), "image");
}

#[test]
fn sanitising_removes_control_and_bidi_characters() {
    assert_eq!(sanitize_filename("invoice\u{202E}gpj.exe"), "invoicegpj.exe");
    assert_eq!(sanitize_filename("a\u{0000}b\nc\u{2067}.png"), "abc.png");
}

#[test]
fn sanitising_keeps_readable_unicode_and_punctuation() {
    assert_eq!(
        sanitize_filename("猫 photo + 1 #2 100%.jpg"),
        "猫 photo + 1 #2 100%.jpg"
    );
    assert_eq!(sanitize_filename("🐱.webp"), "🐱.webp");
}

#[test]
fn long_names_are_cut_at_a_character_boundary_keeping_the_extension() {
    let long = format!("{}.jpeg", "é".repeat(200));
    let cut = sanitize_filename(&long);
    assert!(cut.len() <= MAX_FILENAME_BYTES, "{}", cut.len());
    assert!(cut.ends_with(".jpeg"));
    assert!(cut.starts_with("éé"));
}

#[test]
fn only_a_template_with_sha256_asks_for_the_hash() {
    assert!(!KeyTemplate::default().needs_sha256());
    assert!(!KeyTemplate::parse("{date}/{uuid}.{ext}").unwrap().needs_sha256());
    assert!(KeyTemplate::parse("{sha256}").unwrap().needs_sha256());
}

#[test]
fn a_leading_dot_is_part_of_the_stem_not_an_extension() {
    let template = KeyTemplate::parse("{uuid}/{stem}").unwrap();
    let key = template.render(&inputs(".profile", None));
    assert_eq!(key, "67e55044-10b1-426f-9247-bb680e5fe0c8/.profile");
}

#[test]
fn a_cut_long_name_keeps_exactly_one_dot_before_its_extension() {
    let cut = sanitize_filename(&format!("{}.png", "a".repeat(300)));
    assert_eq!(cut, format!("{}.png", "a".repeat(MAX_FILENAME_BYTES - 4)));
}
