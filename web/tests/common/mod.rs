//! What the browser desk's tests share: a command run through `call`, as the page runs it.
// Each test file uses what it needs of these.
#![allow(dead_code)]

use serde_json::Value;
use tweevoud_web::WebDesk;

/// Runs `command`; its answer.
pub fn call(desk: &mut WebDesk, command: &str, args: Value) -> Value {
    match desk.call(command, &args.to_string()) {
        Ok(answer) => serde_json::from_str(&answer).expect("the answer is JSON"),
        Err(e) => panic!("{command} refused: {}", e.to_json()),
    }
}

/// Runs `command`, which must be refused; the refusal as the page reads it.
pub fn refused(desk: &mut WebDesk, command: &str, args: Value) -> Value {
    match desk.call(command, &args.to_string()) {
        Ok(answer) => panic!("{command} answered {answer}"),
        Err(e) => serde_json::from_str(&e.to_json()).expect("the refusal is JSON"),
    }
}
