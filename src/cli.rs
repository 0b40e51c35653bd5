pub fn main() -> i32 {
    let path = std::env::args().nth(1).unwrap_or_default();
    match crate::check::check_path(std::path::Path::new(&path)) {
        Ok(c) => { for d in &c.warnings { print!("{}", crate::diag::render(d, &c.model.sources, crate::diag::Palette::plain())); } println!("ok {} nodes", c.model.nodes.len()); 0 }
        Err(f) => { for d in &f.diagnostics { print!("{}", crate::diag::render(d, &f.sources, crate::diag::Palette::plain())); } 1 }
    }
}
