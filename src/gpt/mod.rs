//! A tiny decoder-only transformer, trained in the page (issue 8). Built with the `gpt` feature only.
