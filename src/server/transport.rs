//! The client's messages read from stdin within limits, and the server's written to stdout.
//!
//! `lsp_server::Connection::stdio` allocates a body as long as its `Content-Length` says before
//! a byte of it has come (a header claiming 90 TB aborts the server), and ends the connection
//! on the first body that is not a message. Here a header line and a body have limits: a body
//! over `MAX_MESSAGE` is read past without being kept, so the framing still holds and the
//! server goes on (the editor keeps its diagnostics for every other document, which ending the
//! server would take away); a body that is not a JSON-RPC message is logged and skipped. Only a
//! broken framing (a header that is not one, a stream cut inside a message) ends the reading.

use lsp_server::{Connection, Message, Notification};
use std::io::{self, BufRead, Read, Write};
use std::thread::{self, JoinHandle};

/// The largest message read: a document of tens of megabytes still fits.
pub const MAX_MESSAGE: u64 = 64 << 20;
/// The longest header line: `Content-Length` and `Content-Type` take a few dozen bytes.
const MAX_HEADER_LINE: u64 = 8 << 10;
/// What the reader passes on in place of a message over `MAX_MESSAGE`, in its order among the
/// others, with `{"length": BYTES}`.
pub const REFUSED: &str = "$/survey-lint/refused";
/// A message the server wrote itself (`params` is its JSON text), which the writer sends as it
/// is: a publication of 100,000 diagnostics as a `serde_json::Value` took hundreds of megabytes.
const WRITTEN: &str = "$/survey-lint/written";

/// A message already written as JSON, for the writer to send as it is.
pub fn written(json: String) -> Message {
    Notification {
        method: WRITTEN.into(),
        params: serde_json::Value::String(json),
    }
    .into()
}

/// Writes one message to the client, framed.
fn write(message: &Message, out: &mut impl Write) -> io::Result<()> {
    match message {
        Message::Notification(Notification { method, params }) if method == WRITTEN => {
            let json = params.as_str().unwrap_or_default();
            write!(out, "Content-Length: {}\r\n\r\n{json}", json.len())?;
            out.flush()
        }
        message => message.write(out),
    }
}

/// The threads that read stdin and write stdout.
pub struct IoThreads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for both threads (the writer ends once every sender is dropped): the reader's
    /// result (an error is a broken stream), then the writer's (an error is a client gone).
    pub fn join(self) -> (io::Result<()>, io::Result<()>) {
        let read = self.reader.join().unwrap_or_else(|_| Err(panicked()));
        let written = self.writer.join().unwrap_or_else(|_| Err(panicked()));
        (read, written)
    }
}

fn panicked() -> io::Error {
    io::Error::other("an I/O thread panicked")
}

/// A connection on stdin and stdout, as `lsp_server::Connection::stdio` makes, reading within
/// limits.
pub fn stdio() -> (Connection, IoThreads) {
    let (to_client, outgoing) = crossbeam_channel::bounded::<Message>(0);
    let writer = thread::spawn(move || {
        let mut stdout = io::stdout().lock();
        outgoing
            .into_iter()
            .try_for_each(|m| write(&m, &mut stdout))
    });
    let (incoming, from_client) = crossbeam_channel::bounded::<Message>(0);
    let reader = thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        while let Some(message) = read(&mut stdin, &mut io::stderr())? {
            let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
            if incoming.send(message).is_err() || exit {
                break;
            }
        }
        Ok(())
    });
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    (connection, IoThreads { reader, writer })
}

/// The next message (or `REFUSED` in place of one too large), skipping bodies that are not
/// messages with a line on `log`; `None` at the end of the stream.
pub fn read(input: &mut impl BufRead, log: &mut impl Write) -> io::Result<Option<Message>> {
    loop {
        let Some(length) = read_header(input)? else {
            return Ok(None);
        };
        if length > MAX_MESSAGE {
            let _ = writeln!(
                log,
                "survey-lint server: a message of {length} bytes is skipped: the limit is {MAX_MESSAGE} bytes"
            );
            skip(input, length)?;
            let params = serde_json::json!({ "length": length });
            return Ok(Some(Notification::new(REFUSED.into(), params).into()));
        }
        let mut body = Vec::new();
        input.take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Err(cut_short(length));
        }
        mend_surrogates(&mut body);
        match serde_json::from_slice(&body) {
            Ok(message) => return Ok(Some(message)),
            Err(e) => {
                let _ = writeln!(
                    log,
                    "survey-lint server: a message that is not JSON-RPC was skipped: {e}"
                );
            }
        }
    }
}

/// Reads a message's header lines: its `Content-Length`, or `None` at the end of the stream.
fn read_header(input: &mut impl BufRead) -> io::Result<Option<u64>> {
    let mut length = None;
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        input.take(MAX_HEADER_LINE).read_until(b'\n', &mut line)?;
        if line.is_empty() && first {
            return Ok(None);
        }
        first = false;
        let Some(text) = line.strip_suffix(b"\n") else {
            return Err(invalid(if line.len() as u64 == MAX_HEADER_LINE {
                format!("a header line is longer than {MAX_HEADER_LINE} bytes")
            } else {
                "the stream ended inside a header".to_string()
            }));
        };
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            return length
                .map(Some)
                .ok_or_else(|| invalid("a message has no Content-Length header".into()));
        }
        let text = String::from_utf8_lossy(text);
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| invalid(format!("a header line is not a header: {text:?}")))?;
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let value = value.trim();
            length = Some(
                value
                    .parse()
                    .map_err(|_| invalid(format!("Content-Length is not a length: {value:?}")))?,
            );
        }
    }
}

/// Reads past `length` bytes without keeping them.
fn skip(input: &mut impl BufRead, length: u64) -> io::Result<()> {
    let skipped = io::copy(&mut input.take(length), &mut io::sink())?;
    if skipped < length {
        return Err(cut_short(length));
    }
    Ok(())
}

fn cut_short(length: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the stream ended inside a message of {length} bytes"),
    )
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Rewrites each `\uXXXX` escape of a lone surrogate as `\ufffd`, in place (both are six bytes).
/// A client's buffer may hold one (a JavaScript string can), and the JSON it sends then escapes
/// it; serde_json refuses such a string. U+FFFD is one UTF-16 unit as the surrogate was, so the
/// document's positions stay the client's. A backslash outside a string is not JSON, so every
/// escape is found by walking from one backslash to the next.
fn mend_surrogates(body: &mut [u8]) {
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', &body[at..]) {
        let slash = at + found;
        at = slash + 2;
        let Some(unit) = escaped_unit(body, slash) else {
            continue;
        };
        at = slash + 6;
        match unit {
            0xD800..=0xDBFF
                if escaped_unit(body, at).is_some_and(|u| (0xDC00..=0xDFFF).contains(&u)) =>
            {
                at += 6;
            }
            0xD800..=0xDFFF => body[slash + 2..slash + 6].copy_from_slice(b"fffd"),
            _ => {}
        }
    }
}

/// The code unit of a `\uXXXX` escape at `at`, if one is there.
fn escaped_unit(body: &[u8], at: usize) -> Option<u16> {
    let escape = body.get(at..at + 6)?;
    if &escape[..2] != b"\\u" {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(&escape[2..]).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn read_all(input: &[u8]) -> (Vec<Message>, io::Result<()>, String) {
        let mut input = io::BufReader::new(input);
        let (mut messages, mut log) = (Vec::new(), Vec::new());
        let end = loop {
            match read(&mut input, &mut log) {
                Ok(Some(m)) => messages.push(m),
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        (messages, end, String::from_utf8(log).unwrap())
    }

    fn method(message: &Message) -> &str {
        match message {
            Message::Notification(n) => &n.method,
            Message::Request(r) => &r.method,
            Message::Response(_) => "",
        }
    }

    #[test]
    fn a_body_over_the_limit_is_skipped_and_the_next_message_read() {
        let big = MAX_MESSAGE + 1;
        let mut input = format!("Content-Length: {big}\r\n\r\n").into_bytes();
        input.resize(input.len() + big as usize, b' ');
        input.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#).bytes());
        let (messages, end, log) = read_all(&input);
        end.unwrap();
        let methods: Vec<&str> = messages.iter().map(method).collect();
        assert_eq!(methods, [REFUSED, "exit"]);
        assert!(log.contains("skipped"), "{log}");
    }

    #[test]
    fn a_length_past_the_stream_is_an_error_without_its_allocation() {
        let (messages, end, log) = read_all(b"Content-Length: 99999999999999\r\n\r\n{}");
        assert!(messages.is_empty());
        assert!(log.contains("99999999999999 bytes is skipped"), "{log}");
        assert_eq!(end.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        let (_, end, _) = read_all(b"Content-Length: 1000\r\n\r\n{}");
        assert_eq!(end.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn broken_headers_are_errors() {
        for input in [
            "Content-Length: x\r\n\r\n{}".to_string(),
            "\r\n{}".to_string(),
            "nonsense\r\n\r\n".to_string(),
            format!("X-Long: {}\r\n", "a".repeat(10_000)),
            "Content-Length: 2\r\n".to_string(),
        ] {
            let (messages, end, _) = read_all(input.as_bytes());
            assert!(messages.is_empty() && end.is_err(), "{input:.40}");
        }
    }

    #[test]
    fn a_body_that_is_not_a_message_is_skipped() {
        let input = [
            frame("{"),
            frame("{}"),
            frame("\"\u{0}\""),
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
        ]
        .concat();
        let (messages, end, log) = read_all(input.as_bytes());
        end.unwrap();
        let methods: Vec<&str> = messages.iter().map(method).collect();
        assert_eq!(methods, ["initialized"]);
        assert_eq!(log.lines().count(), 3, "{log}");
    }

    #[test]
    fn lone_surrogates_become_replacement_characters_and_pairs_stay() {
        let body = r#"{"jsonrpc":"2.0","method":"m","params":["\ud800","a\udc00b","\ud83d\ude00","\\ud800","\ud800\ud800"]}"#;
        let (messages, end, log) = read_all(frame(body).as_bytes());
        end.unwrap();
        assert_eq!(log, "");
        let Message::Notification(n) = &messages[0] else {
            panic!("{messages:?}")
        };
        assert_eq!(
            n.params,
            serde_json::json!([
                "\u{fffd}",
                "a\u{fffd}b",
                "😀",
                "\\ud800",
                "\u{fffd}\u{fffd}"
            ])
        );
    }
}
