//! Link reachability in the editor, when the client asks for it (`initializationOptions`:
//! `{"links": true}`): on save, on a thread of its own so that diagnostics never wait. What the
//! cache knows comes back first, then the verdicts of the requests. One check runs at a time;
//! the URLs of saves made meanwhile wait for the next.

use crate::document::Document;
use crate::links::{self, CheckOptions, LinkConfig, Verdicts};
use crossbeam_channel::{Receiver, Sender};
use std::collections::BTreeSet;

/// Verdicts from the checking thread.
pub struct Checked {
    pub verdicts: Verdicts,
    /// The last message of a check: the next may start.
    pub done: bool,
}

pub struct LinkChecks {
    options: CheckOptions,
    running: bool,
    waiting: BTreeSet<String>,
    sender: Sender<Checked>,
    pub receiver: Receiver<Checked>,
}

impl LinkChecks {
    pub fn new(options: CheckOptions) -> LinkChecks {
        let (sender, receiver) = crossbeam_channel::unbounded();
        LinkChecks {
            options,
            running: false,
            waiting: BTreeSet::new(),
            sender,
            receiver,
        }
    }

    /// Checks the URLs of `text` now, or when the running check ends.
    pub fn request(&mut self, text: &str, config: &LinkConfig) {
        self.waiting.extend(urls_of(&Document::parse(text)));
        self.start(config);
    }

    /// A check ended: starts the next if URLs wait.
    pub fn finished(&mut self, config: &LinkConfig) {
        self.running = false;
        self.start(config);
    }

    fn start(&mut self, config: &LinkConfig) {
        if self.running || self.waiting.is_empty() {
            return;
        }
        self.running = true;
        let urls: Vec<String> = std::mem::take(&mut self.waiting).into_iter().collect();
        let (config, options, sender) = (config.clone(), self.options.clone(), self.sender.clone());
        std::thread::spawn(move || {
            let cached = links::cached_verdicts(&urls, &config, &options);
            let _ = sender.send(Checked {
                verdicts: cached,
                done: false,
            });
            let verdicts = links::check_links(&urls, &config, &options);
            let _ = sender.send(Checked {
                verdicts,
                done: true,
            });
        });
    }
}

/// The URLs of a document's links, as `check` requests them.
fn urls_of(doc: &Document<'_>) -> BTreeSet<String> {
    let mut urls = BTreeSet::new();
    for link in &doc.links {
        for url in doc.meant_urls(link) {
            urls.extend(links::request_url(&doc.url(link, url)));
        }
    }
    urls
}
