//! Sealed exemplars (renderer 3): checked by Tweevoud, and by validators no one here wrote.

mod common;

use common::{dpa_complete, dpa_provider_signed, test_key};
use tweevoud::pdf::{self, Exemplar, Sealer};

#[test]
fn scratch_write() {
    let a = dpa_complete();
    let sealer = Sealer::new(&a, &test_key(2), None).unwrap();
    for e in pdf::exemplars(&a, &sealer).unwrap() {
        let v = pdf::verify_exemplar(&e.bytes).unwrap();
        println!("{:?} {:?}", v.verification.status, v.verification.problems);
    }
    let b = dpa_provider_signed();
    let sealer = Sealer::new(&b, &test_key(1), None).unwrap();
    let _ = pdf::render(&b, Exemplar::ToSign, &sealer).unwrap();
}
