// Rendering allocates many short-lived strings from several threads at once; mimalloc's
// per-thread free lists serve that pattern markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // mimalloc asks the kernel for transparent huge pages, each made from a free 2 MiB block.
    // Virtual machines that hand free blocks of that size back to their host (free page
    // reporting, as ours do) make the first touch of such a page slow: clearing huge pages
    // took 13-19% of the processor time of a 100,000-page build, against under 1% with
    // ordinary pages. A kernel that refuses the request loses only that saving.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    standings::cli::main()
}
