//! Link checker tests: servers on 127.0.0.1, never the internet.
