fn main() -> std::process::ExitCode {
    standings::cli::main()
}
