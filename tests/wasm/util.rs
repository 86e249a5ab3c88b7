//! Helpers the boundary's tests share: real JS values from JS source, and the message of a thrown Error.

use js_sys::{Function, Object};
use wasm_bindgen::{JsCast, JsValue};

/// The lesson's three-sentence corpus.
pub const LESSON: &str = "chai bahut garam hai\nchai acha\nchai bahut acha hai";

/// The value of a JS expression, evaluated by the engine running the test.
pub fn js(expression: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expression});")).call0(&JsValue::NULL).expect("valid test JS")
}

/// A JS object literal (or any expression) as an options argument.
pub fn object(expression: &str) -> Option<Object> {
    Some(js(expression).unchecked_into())
}

/// The message of a thrown value, after checking that it is a real JS `Error`.
pub fn error_message(thrown: JsValue) -> String {
    let error = thrown.dyn_into::<js_sys::Error>().expect("a JS Error was thrown");
    String::from(error.message())
}

/// The message of the Error a call threw; a call that succeeded fails the test.
pub fn message<T>(result: Result<T, JsValue>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => error_message(e),
    }
}
