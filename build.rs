// mon is often run for a few milliseconds (send-command, validate of one
// file), where loading the binary dominates. Linked as a fixed-address
// executable, it needs no runtime relocation of its pointer-holding data;
// as a PIE, the loader touches and copies every such page at each start.
fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
}
