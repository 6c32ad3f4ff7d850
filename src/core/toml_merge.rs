//! Saving settings without losing the user's comments: the new values are
//! written into the existing document, so comments, blank lines and key
//! order stay where the user put them.

use toml_edit::{DocumentMut, Item, Table};

/// `old` with the values of `new`; keys and tables missing from `new` are
/// removed. `None` when `old` cannot be parsed (then `new` is written as is).
pub fn merge_keeping_comments(old: &str, new: &str) -> Option<String> {
    let mut doc: DocumentMut = old.parse().ok()?;
    let fresh: DocumentMut = new.parse().ok()?;
    merge_table(doc.as_table_mut(), fresh.as_table());
    Some(doc.to_string())
}

fn merge_table(old: &mut Table, new: &Table) {
    let gone: Vec<String> = old
        .iter()
        .filter(|(key, _)| !new.contains_key(key))
        .map(|(key, _)| key.to_owned())
        .collect();
    for key in gone {
        old.remove(&key);
    }
    for (key, new_item) in new.iter() {
        match (old.get_mut(key), new_item) {
            (Some(Item::Table(old_table)), Item::Table(new_table)) => merge_table(old_table, new_table),
            (Some(Item::Value(old_value)), Item::Value(new_value)) => {
                if old_value.to_string().trim() != new_value.to_string().trim() {
                    // Keep the comment before the key and after the value.
                    let decor = old_value.decor().clone();
                    *old_value = new_value.clone();
                    *old_value.decor_mut() = decor;
                }
            }
            _ => {
                old.insert(key, new_item.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_value_keeps_the_comments_around_it() {
        let old =
            "# my notes\n[storage]\n# where my photos go\nbucket = \"photos\" # the main one\nregion = \"us-east-1\"\n";
        let new = "[storage]\nbucket = \"holiday\"\nregion = \"us-east-1\"\n";
        let merged = merge_keeping_comments(old, new).unwrap();
        assert_eq!(
            merged,
            "# my notes\n[storage]\n# where my photos go\nbucket = \"holiday\" # the main one\nregion = \"us-east-1\"\n"
        );
    }

    #[test]
    fn keys_and_tables_missing_from_the_new_values_are_removed_and_new_ones_added() {
        let old = "[storage]\nbucket = \"a\"\nold_key = 1\n[gone]\nx = 1\n";
        let new = "[storage]\nbucket = \"a\"\nregion = \"garage\"\n[profiles.r2]\nbucket = \"b\"\n";
        let merged = merge_keeping_comments(old, new).unwrap();
        let parsed: DocumentMut = merged.parse().unwrap();
        assert_eq!(parsed["storage"]["region"].as_str(), Some("garage"));
        assert!(parsed["storage"].get("old_key").is_none());
        assert!(parsed.get("gone").is_none());
        assert_eq!(parsed["profiles"]["r2"]["bucket"].as_str(), Some("b"));
    }

    #[test]
    fn an_unparsable_old_file_gives_none() {
        assert!(merge_keeping_comments("[storage\n", "[storage]\n").is_none());
    }
}
