fn main() {
    std::process::exit(guidetree::cli::main());
}
