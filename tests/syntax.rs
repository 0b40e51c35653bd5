//! Parser fixtures: every `tests/fixtures/syntax/*.tree` parses, and its
//! syntax tree (compact `Debug`, spans as byte ranges) is a snapshot.

use guidetree::source::FileId;
use guidetree::syntax;

#[test]
fn syntax_fixtures_parse_to_the_expected_tree() {
    insta::glob!("fixtures/syntax/*.tree", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is readable UTF-8");
        match syntax::parse(FileId(0), &text) {
            Ok(ast) => insta::assert_snapshot!(format!("{ast:#?}")),
            Err(diags) => panic!("{} does not parse: {diags:#?}", path.display()),
        }
    });
}
