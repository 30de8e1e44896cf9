//! Placeholder: the loopback link farm for benches/compare.sh is being written.
fn main() {}
