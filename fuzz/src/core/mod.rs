//! The project's pure modules, compiled into the fuzz crate as they are, under
//! the path (`crate::core::…`) they use in picbucket.
#![allow(dead_code)]

#[path = "../../../src/core/image_kind.rs"]
pub mod image_kind;
#[path = "../../../src/core/strip/mod.rs"]
pub mod strip;

pub use image_kind::ImageKind;
