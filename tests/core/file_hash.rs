//! The SHA-256 a download is checked with: FIPS 180-2's own test vectors, and the same digest whatever the chunks.
#![cfg(feature = "gpt")]

use gpt1_playground::gpt::formats::file_hash::FileHash;

fn hash_in(chunks: &[&[u8]]) -> String {
    let mut hash = FileHash::new();
    for chunk in chunks {
        hash.update(chunk);
    }
    hash.finish()
}

#[test]
fn the_standard_vectors() {
    // FIPS 180-2, appendix B: "abc", the 448-bit message, and one million 'a's; and the empty message
    assert_eq!(hash_in(&[b"abc"]), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(
        hash_in(&[b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"]),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
    let a = vec![b'a'; 1_000_000];
    assert_eq!(hash_in(&[&a]), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    assert_eq!(hash_in(&[]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

#[test]
fn any_chunks_give_the_same_digest_and_finish_starts_again() {
    let a = vec![b'a'; 1_000_000];
    // chunks that cross the 64-byte blocks anywhere, as a network hands them over
    let pieces: Vec<&[u8]> = vec![&a[..1], &a[1..63], &a[63..64], &a[64..65_601], &a[65_601..999_999], &a[999_999..]];
    let mut hash = FileHash::new();
    for piece in &pieces {
        hash.update(piece);
    }
    assert_eq!(hash.bytes(), 1_000_000);
    assert_eq!(hash.finish(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    assert_eq!(hash.bytes(), 0);
    hash.update(b"abc");
    assert_eq!(
        hash.finish(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "a fresh hash after finish"
    );
}
