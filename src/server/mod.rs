//! `survey-lint server`: a language server (LSP, over stdio) for editors, on `lsp-server` and
//! `lsp-types` as ruff's server is.
//!
//! On open and on every change it lints the document with the rules `check` would use and
//! publishes the findings: rule code and name, severity, related spans (the first occurrence
//! of a duplicated row), and each safe fix and "disable RULE for this line" as quick fixes.
//! Linting is synchronous and takes milliseconds, so there is no debounce; messages that are
//! already waiting are handled first, so that a burst of edits is linted once.
//!
//! Modules: `position` offsets ↔ LSP positions, `diagnostics` findings → LSP diagnostics,
//! `actions` code actions, `setup` the config and its reloading, `links` link checks on save,
//! `transport` the messages on stdin and stdout, within limits.

mod actions;
mod diagnostics;
mod links;
mod position;
mod setup;
mod transport;

pub use setup::{Load, Setup};
pub use transport::{IoThreads, stdio};

use crate::engine::FileReport;
use crate::links::{CheckOptions, Verdicts};
use links::{Checked, LinkChecks};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, InitializeParams, PublishDiagnosticsParams, SaveOptions,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use position::{Encoding, Lines};
use serde::Deserialize;
use serde_json::Value;
use setup::Watched;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the command line gives the server.
pub struct Options {
    /// Reads the config as `check` does.
    pub load: Load,
    /// `--config FILE`; `initializationOptions.config` may give one too.
    pub config: Option<PathBuf>,
    /// The workspace when the client names none.
    pub cwd: PathBuf,
    /// Sent to GitHub hosts when links are checked (as `check` does with `GITHUB_TOKEN`).
    pub github_token: Option<String>,
}

/// `initializationOptions`, all optional: `{"links": true, "config": "path/to/survey-lint.toml"}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct InitOptions {
    /// Check link reachability on save.
    links: bool,
    config: Option<PathBuf>,
}

/// Serves one client until it sends `exit`; true when it had asked to shut down first (the
/// exit status is then 0, else 1, as the protocol says).
pub fn run(connection: &Connection, options: Options) -> Result<bool, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("bad initialize params: {e}"))?;
    let encoding = Encoding::choose(
        (params.capabilities.general.as_ref()).and_then(|g| g.position_encodings.as_deref()),
    );
    let (init, init_error) = match params.initialization_options.clone() {
        None | Some(Value::Null) => (InitOptions::default(), None),
        Some(value) => match serde_json::from_value(value) {
            Ok(init) => (init, None),
            Err(e) => (InitOptions::default(), Some(e.to_string())),
        },
    };
    let capabilities = ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": {"name": "survey-lint", "version": env!("CARGO_PKG_VERSION")},
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;

    let root = workspace_root(&params).unwrap_or(options.cwd);
    let explicit = init.config.map(|c| root.join(c)).or(options.config);
    let (setup, config_error) = Watched::new(options.load, explicit, root.clone());
    let link_checks = init.links.then(|| {
        LinkChecks::new(CheckOptions {
            github_token: options.github_token,
            ..CheckOptions::default()
        })
    });
    let mut server = Server {
        sender: connection.sender.clone(),
        encoding,
        root,
        setup,
        documents: HashMap::new(),
        link_checks,
        verdicts: Verdicts::new(),
        config_published: None,
        offline_told: false,
        shutdown: false,
    };
    if let Some(error) = init_error {
        server.show(format!(
            "survey-lint: initializationOptions ignored: {error}"
        ));
    }
    server.config_loaded(config_error.map_or(Ok(()), Err));
    Ok(server.serve(connection))
}

/// The folder of the first workspace folder, else of the root URI.
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let folder = params.workspace_folders.as_ref()?.first().map(|f| &f.uri);
    #[allow(deprecated)] // root_uri is what clients without workspace folders send
    let uri = folder.or(params.root_uri.as_ref())?;
    file_path(uri)
}

fn file_path(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

fn file_uri(path: &Path) -> Option<Uri> {
    url::Url::from_file_path(path).ok()?.as_str().parse().ok()
}

/// An open document.
struct Open {
    uri: Uri,
    /// The path linted as (the file's, or the URI for a document not on disk).
    path: String,
    text: String,
    lines: Lines,
    version: i32,
    /// What the last lint found, for code actions.
    report: Option<FileReport>,
    /// Changed since it was last linted.
    dirty: bool,
}

impl Open {
    fn view(&self, encoding: Encoding) -> diagnostics::View<'_> {
        diagnostics::View {
            uri: &self.uri,
            text: &self.text,
            lines: &self.lines,
            encoding,
        }
    }
}

struct Server {
    sender: crossbeam_channel::Sender<Message>,
    encoding: Encoding,
    root: PathBuf,
    setup: Watched,
    documents: HashMap<String, Open>,
    link_checks: Option<LinkChecks>,
    /// Every verdict the link checks gave, by URL as written.
    verdicts: Verdicts,
    /// The config file a diagnostic was published on, to clear it once mended.
    config_published: Option<Uri>,
    /// "No network" was shown, and is not shown again until a check reaches a host.
    offline_told: bool,
    shutdown: bool,
}

impl Server {
    /// Serves until `exit` (true when `shutdown` came first) or until the client is gone.
    fn serve(&mut self, connection: &Connection) -> bool {
        let never = crossbeam_channel::never();
        loop {
            let checked = self.link_checks.as_ref().map_or(&never, |l| &l.receiver);
            let message = crossbeam_channel::select! {
                recv(connection.receiver) -> message => message.ok(),
                recv(checked) -> checked => {
                    if let Ok(checked) = checked {
                        self.links_checked(checked);
                    }
                    continue;
                }
            };
            // The client is gone without `exit`.
            let Some(mut message) = message else {
                return false;
            };
            loop {
                if self.handle(message) {
                    return self.shutdown;
                }
                // What is already waiting is handled before linting.
                match connection.receiver.try_recv() {
                    Ok(next) => message = next,
                    Err(_) => break,
                }
            }
            self.publish_changed();
        }
    }

    /// Handles one message; true on `exit`.
    fn handle(&mut self, message: Message) -> bool {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(notification) => return self.notification(notification),
            Message::Response(_) => {}
        }
        false
    }

    fn request(&mut self, request: Request) {
        let response = if self.shutdown {
            Response::new_err(
                request.id,
                ErrorCode::InvalidRequest as i32,
                "shutting down".into(),
            )
        } else if request.method == req::Shutdown::METHOD {
            self.shutdown = true;
            Response::new_ok(request.id, ())
        } else if request.method == req::CodeActionRequest::METHOD {
            self.code_action(request.id, request.params)
        } else {
            Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("survey-lint does not serve {}", request.method),
            )
        };
        self.send(response.into());
    }

    fn notification(&mut self, n: Notification) -> bool {
        match n.method.as_str() {
            note::Exit::METHOD => return true,
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    self.open(
                        p.text_document.uri,
                        p.text_document.text,
                        p.text_document.version,
                    );
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    self.change(p);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    self.saved(&p.text_document.uri);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    self.documents.remove(p.text_document.uri.as_str());
                    self.publish(p.text_document.uri, Vec::new(), None);
                }
            }
            note::DidChangeWatchedFiles::METHOD => self.refresh_config(),
            transport::REFUSED => self.refused(&n.params),
            _ => {}
        }
        false
    }

    /// A message too large was skipped. It may have been a change to any open document, whose
    /// text would then no longer be the client's: they are all forgotten (and their diagnostics
    /// cleared) rather than linted as they are not.
    fn refused(&mut self, params: &Value) {
        let open: Vec<Uri> = self.documents.drain().map(|(_, d)| d.uri).collect();
        for uri in open {
            self.publish(uri, Vec::new(), None);
        }
        self.show(format!(
            "survey-lint: a message of {} bytes from the editor was skipped (the limit is {} MiB); \
             documents are linted again once opened again",
            params["length"],
            transport::MAX_MESSAGE >> 20
        ));
    }

    fn open(&mut self, uri: Uri, text: String, version: i32) {
        let path =
            file_path(&uri).map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
        let document = Open {
            lines: Lines::new(&text),
            uri: uri.clone(),
            path,
            text,
            version,
            report: None,
            dirty: true,
        };
        self.documents.insert(uri.as_str().to_string(), document);
    }

    fn change(&mut self, params: DidChangeTextDocumentParams) {
        let encoding = self.encoding;
        let Some(doc) = self.documents.get_mut(params.text_document.uri.as_str()) else {
            return;
        };
        // Each edit applies to the text the previous one left; the index follows them.
        let mut lines = std::mem::take(&mut doc.lines).edit();
        for change in params.content_changes {
            match change.range {
                Some(range) => {
                    let start = lines.offset(&doc.text, range.start, encoding);
                    let end = lines.offset(&doc.text, range.end, encoding).max(start);
                    lines.replace(&mut doc.text, start..end, &change.text);
                }
                None => {
                    doc.text = change.text;
                    lines = Lines::new(&doc.text).edit();
                }
            }
        }
        doc.lines = lines.finish(&doc.text);
        doc.version = params.text_document.version;
        doc.dirty = true;
    }

    fn saved(&mut self, uri: &Uri) {
        self.refresh_config();
        let config = &self.setup.setup().links;
        if let (Some(checks), Some(doc)) = (&mut self.link_checks, self.documents.get(uri.as_str()))
        {
            checks.request(&doc.text, config);
        }
    }

    fn links_checked(&mut self, checked: Checked) {
        let mut offline = 0;
        for (url, verdict) in checked.verdicts {
            if verdict.verdict.no_network() {
                offline += 1;
            } else {
                self.verdicts.insert(url, verdict);
            }
        }
        if checked.done {
            if offline > 0 && !self.offline_told {
                self.show(format!(
                    "survey-lint: {}",
                    crate::report::no_network(offline)
                ));
                self.offline_told = true;
            } else if offline == 0 {
                self.offline_told = false;
            }
            let config = &self.setup.setup().links;
            if let Some(checks) = &mut self.link_checks {
                checks.finished(config);
            }
        }
        self.documents.values_mut().for_each(|d| d.dirty = true);
        self.publish_changed();
    }

    /// Loads the config again if it changed on disk, and lints every document again if so.
    fn refresh_config(&mut self) {
        if let Some(result) = self.setup.refresh() {
            self.config_loaded(result);
            self.documents.values_mut().for_each(|d| d.dirty = true);
        }
    }

    /// Shows a broken config as a diagnostic on its file, or clears the one shown.
    fn config_loaded(&mut self, result: Result<(), crate::config::ConfigError>) {
        let published = self.config_published.take();
        let error = result.err();
        let target = error.as_ref().and_then(|e| {
            let path =
                setup::error_file(e).or_else(|| self.setup.broken().map(Path::to_path_buf))?;
            let path = self.root.join(path);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            Some((
                file_uri(&path)?,
                diagnostics::config_error(e, &text, self.encoding),
            ))
        });
        if let Some(old) = published
            && target
                .as_ref()
                .is_none_or(|(uri, _)| uri.as_str() != old.as_str())
        {
            self.publish(old, Vec::new(), None);
        }
        match (target, error) {
            (Some((uri, diagnostic)), _) => {
                self.publish(uri.clone(), vec![diagnostic], None);
                self.config_published = Some(uri);
            }
            (None, Some(error)) => self.show(format!("survey-lint: {error}")),
            (None, None) => {}
        }
    }

    /// Lints and publishes every document that changed since it was last published.
    fn publish_changed(&mut self) {
        if !self.documents.values().any(|d| d.dirty) {
            return;
        }
        self.refresh_config();
        let uris: Vec<String> = (self.documents.iter())
            .filter(|(_, d)| d.dirty)
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in uris {
            if let Some(published) = self.lint(&uri) {
                self.send(published);
            }
        }
    }

    /// Lints one document: the publication of its diagnostics.
    fn lint(&mut self, uri: &str) -> Option<Message> {
        let verdicts = self.link_checks.is_some().then_some(&self.verdicts);
        let linter = &self.setup.setup().linter;
        let doc = self.documents.get_mut(uri)?;
        doc.report = None;
        let report = linter.lint(doc.path.clone(), Arc::new(doc.text.clone()), verdicts);
        let published =
            diagnostics::publish(&doc.view(self.encoding), &report.diagnostics, doc.version);
        doc.report = Some(report);
        doc.dirty = false;
        Some(published)
    }

    fn code_action(&mut self, id: RequestId, params: Value) -> Response {
        let params: CodeActionParams = match serde_json::from_value(params) {
            Ok(params) => params,
            Err(e) => {
                return Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string());
            }
        };
        let uri = params.text_document.uri.as_str();
        if self.documents.get(uri).is_some_and(|d| d.dirty)
            && let Some(published) = self.lint(uri)
        {
            self.send(published);
        }
        let wanted_kind = params.context.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
        });
        let actions = match self.documents.get(uri) {
            Some(doc) if wanted_kind => {
                let view = doc.view(self.encoding);
                let start = doc
                    .lines
                    .offset(&doc.text, params.range.start, self.encoding);
                let end = doc.lines.offset(&doc.text, params.range.end, self.encoding);
                doc.report
                    .as_ref()
                    .map(|report| actions::code_actions(&view, report, &(start..end.max(start))))
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        Response::new_ok(id, actions)
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams::new(uri, diagnostics, version);
        self.send(Notification::new(note::PublishDiagnostics::METHOD.into(), params).into());
    }

    /// A message the user sees (`window/showMessage`, as a warning).
    fn show(&self, message: String) {
        let params = lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message,
        };
        self.send(Notification::new(note::ShowMessage::METHOD.into(), params).into());
    }

    fn send(&self, message: Message) {
        // The client is gone: the next receive ends the loop.
        let _ = self.sender.send(message);
    }
}
