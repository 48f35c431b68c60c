//! The upload area: drop files or choose them, and each travels as its own request with a
//! progress bar that follows the bytes sent, then shows what became of it (processing, ready,
//! failed with the reason, or refused). Before the page hydrates it is a plain multipart form.

use std::collections::VecDeque;
use std::time::Duration;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use okchat::{DocumentStatus, KnowledgeDocument};

use super::events::announce_change;
use super::labels::human_size;
use super::server_fns::{document_statuses, too_large, UploadDocuments, FILE_MAX_BYTES};
use crate::error::AppError;

/// What the file picker offers (the backend decides, by content and extension).
pub const ACCEPT: &str = ".pdf,.md,.markdown,.txt,.html,.htm,.docx,.csv,.json,application/pdf,text/markdown,text/plain,text/html,text/csv,application/json,application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Uploads under way at once; the rest wait their turn.
const PARALLEL: usize = 3;

/// How often the uploader asks after the files it sent while they are processed.
pub const POLL_EVERY: Duration = Duration::from_millis(1500);

/// Where one chosen file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadState {
    Waiting,
    /// Percent of the file's bytes sent.
    Uploading(u32),
    /// Every byte sent; the console is handing it to the knowledge base.
    Storing,
    Processing,
    Ready {
        chunks: u64,
    },
    /// Stored, but extracting or indexing it failed, for this reason.
    Failed(String),
    /// The knowledge base would not take it (type, size), for this reason.
    Refused(String),
    /// The upload did not get through.
    Error(String),
    /// Deleted from the knowledge base since.
    Deleted,
}

impl UploadState {
    /// The state a stored document puts its upload in.
    pub fn of(doc: &KnowledgeDocument) -> Self {
        match doc.status {
            DocumentStatus::Processing => UploadState::Processing,
            DocumentStatus::Ready => UploadState::Ready {
                chunks: doc.chunk_count,
            },
            DocumentStatus::Failed => UploadState::Failed(
                doc.error
                    .clone()
                    .unwrap_or_else(|| "Its text could not be extracted.".into()),
            ),
        }
    }

    /// The state a refused or failed upload is in.
    pub fn of_error(error: &AppError) -> Self {
        match error {
            AppError::Validation { message, .. } => UploadState::Refused(message.clone()),
            other => UploadState::Error(other.to_string()),
        }
    }

    /// For styles and tests.
    pub fn as_str(&self) -> &'static str {
        match self {
            UploadState::Waiting => "waiting",
            UploadState::Uploading(_) => "uploading",
            UploadState::Storing => "storing",
            UploadState::Processing => "processing",
            UploadState::Ready { .. } => "ready",
            UploadState::Failed(_) => "failed",
            UploadState::Refused(_) => "refused",
            UploadState::Error(_) => "error",
            UploadState::Deleted => "deleted",
        }
    }

    /// What the row says.
    pub fn text(&self) -> String {
        match self {
            UploadState::Waiting => "Waiting…".into(),
            UploadState::Uploading(p) => format!("Uploading {p}%"),
            UploadState::Storing => "Uploaded, storing…".into(),
            UploadState::Processing => "Processing…".into(),
            UploadState::Ready { chunks: 1 } => "Ready · 1 chunk".into(),
            UploadState::Ready { chunks } => format!("Ready · {chunks} chunks"),
            UploadState::Failed(reason) => format!("Failed: {reason}"),
            UploadState::Refused(reason) => format!("Refused: {reason}"),
            UploadState::Error(reason) => format!("Not uploaded: {reason}"),
            UploadState::Deleted => "Deleted".into(),
        }
    }

    /// The progress bar's fill, in percent.
    pub fn percent(&self) -> u32 {
        match self {
            UploadState::Waiting => 0,
            UploadState::Uploading(p) => *p,
            _ => 100,
        }
    }

    fn bar_class(&self) -> &'static str {
        match self {
            UploadState::Ready { .. } => "h-full rounded-full bg-emerald-500 transition-[width]",
            UploadState::Failed(_) | UploadState::Refused(_) | UploadState::Error(_) => {
                "h-full rounded-full bg-red-500"
            }
            UploadState::Storing | UploadState::Processing => {
                "h-full animate-pulse rounded-full bg-amber-500"
            }
            _ => "h-full rounded-full bg-indigo-600 transition-[width]",
        }
    }
}

/// One chosen file.
#[derive(Clone, Copy)]
struct Entry {
    key: u32,
    name: StoredValue<String>,
    size: u64,
    state: RwSignal<UploadState>,
    document: RwSignal<Option<String>>,
}

/// The uploader's state, shared by its handlers.
#[derive(Clone, Copy)]
struct Uploads {
    chatbot_id: StoredValue<String>,
    entries: RwSignal<Vec<Entry>>,
    /// Files waiting for an upload slot; `None` while rendering on the server, where a local
    /// value would be dropped on whichever worker thread finishes the response, and a
    /// `SendWrapper` dropped off its thread panics.
    queue: Option<StoredValue<VecDeque<(Entry, web_sys::File)>, LocalStorage>>,
    active: StoredValue<usize>,
    next_key: StoredValue<u32>,
}

impl Uploads {
    /// Adds the files to the list: too large ones are refused at once, the others queued.
    fn add(self, files: web_sys::FileList) {
        let mut added = Vec::new();
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            let key = self.next_key.get_value();
            self.next_key.set_value(key + 1);
            let size = file.size() as u64;
            let refused =
                (size > FILE_MAX_BYTES).then(|| UploadState::Refused(too_large(&file.name())));
            let entry = Entry {
                key,
                name: StoredValue::new(file.name()),
                size,
                state: RwSignal::new(refused.clone().unwrap_or(UploadState::Waiting)),
                document: RwSignal::new(None),
            };
            if let (None, Some(queue)) = (&refused, self.queue) {
                queue.update_value(|q| q.push_back((entry, file)));
            }
            added.push(entry);
        }
        // Newest first, as the table lists documents.
        self.entries.update(|entries| {
            added.reverse();
            added.append(entries);
            *entries = added;
        });
        self.pump();
    }

    /// Starts waiting uploads while fewer than [`PARALLEL`] are under way.
    fn pump(self) {
        let Some(queue) = self.queue else { return };
        while self.active.get_value() < PARALLEL {
            let Some((entry, file)) = queue.try_update_value(|q| q.pop_front()).flatten() else {
                return;
            };
            self.active.update_value(|n| *n += 1);
            self.send(entry, file);
        }
    }

    fn send(self, entry: Entry, file: web_sys::File) {
        let finished = move |state: UploadState| {
            entry.state.set(state);
            self.active.update_value(|n| *n = n.saturating_sub(1));
            self.pump();
        };
        let form = match web_sys::FormData::new() {
            Ok(form) => form,
            Err(_) => {
                return finished(UploadState::Error(
                    "This browser could not read the file.".into(),
                ))
            }
        };
        let appended = form
            .append_with_str("id", &self.chatbot_id.get_value())
            .is_ok()
            && form
                .append_with_blob_and_filename("files", &file, &file.name())
                .is_ok();
        if !appended {
            return finished(UploadState::Error(
                "This browser could not read the file.".into(),
            ));
        }
        entry.state.set(UploadState::Uploading(0));
        super::xhr::post_form::<Vec<KnowledgeDocument>>(
            UploadDocuments::url(),
            &form,
            move |percent| {
                entry.state.set(if percent >= 100 {
                    UploadState::Storing
                } else {
                    UploadState::Uploading(percent)
                });
            },
            move |answer| match answer {
                Ok(documents) => {
                    let stored = documents.first();
                    entry.document.set(stored.map(|d| d.id.clone()));
                    announce_change();
                    finished(stored.map_or(UploadState::Processing, UploadState::of));
                }
                Err(error) => finished(UploadState::of_error(&error)),
            },
        );
    }
}

/// The drop area, the file picker and the list of files sent. `refusal` is why the plain
/// form's last post was refused, before the page hydrated.
#[island(lazy)]
pub fn KnowledgeUploader(chatbot_id: String, refusal: Option<String>) -> impl IntoView {
    let uploads = Uploads {
        chatbot_id: StoredValue::new(chatbot_id.clone()),
        entries: RwSignal::new(Vec::new()),
        queue: cfg!(feature = "hydrate").then(|| StoredValue::new_local(VecDeque::new())),
        active: StoredValue::new(0),
        next_key: StoredValue::new(0),
    };
    let entries = uploads.entries;
    let dragging = RwSignal::new(false);
    // Before hydration the form needs its submit button; after, choosing uploads at once.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    follow_processing(uploads);

    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
            uploads.add(files);
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        if let Some(files) = input.files() {
            uploads.add(files);
        }
        // So that choosing the same file again uploads it again.
        input.set_value("");
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if hydrated.get_untracked() {
            ev.prevent_default();
        }
    };
    view! {
        <section
            class="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
            aria-labelledby="upload-title"
        >
            <h2 id="upload-title" class="font-semibold">
                "Upload files"
            </h2>
            <form
                action=UploadDocuments::url()
                method="post"
                enctype="multipart/form-data"
                on:submit=on_submit
            >
                <input type="hidden" name="id" value=chatbot_id />
                <div
                    class=move || {
                        let ring = if dragging.get() {
                            "border-indigo-500 bg-indigo-50 dark:bg-indigo-950"
                        } else {
                            "border-slate-300 dark:border-slate-700"
                        };
                        format!(
                            "mt-3 flex flex-col items-center gap-2 rounded-lg border-2 border-dashed p-6 text-center {ring}",
                        )
                    }
                    data-testid="drop-zone"
                    on:dragenter=move |ev: leptos::ev::DragEvent| {
                        ev.prevent_default();
                        dragging.set(true);
                    }
                    on:dragover=move |ev: leptos::ev::DragEvent| {
                        ev.prevent_default();
                        dragging.set(true);
                    }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                >
                    <p class="text-sm font-medium">"Drop files here, or choose them"</p>
                    <label for="knowledge-files" class="sr-only">
                        "Files to upload"
                    </label>
                    <input
                        id="knowledge-files"
                        name="files"
                        type="file"
                        multiple
                        accept=ACCEPT
                        aria-describedby="upload-hint"
                        class="max-w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-indigo-600 file:px-3 file:py-1.5 file:font-medium file:text-white hover:file:bg-indigo-500"
                        on:change=on_pick
                    />
                    <p id="upload-hint" class="text-xs text-slate-600 dark:text-slate-400">
                        "PDF, Markdown, text, HTML, Word (DOCX), CSV or JSON, up to 20 MiB each."
                    </p>
                    <Show when=move || !hydrated.get()>
                        <button
                            type="submit"
                            class="rounded-md border border-slate-300 px-3 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                        >
                            "Upload"
                        </button>
                    </Show>
                </div>
            </form>
            <p
                role="alert"
                class="mt-2 text-sm text-red-700 empty:hidden dark:text-red-400"
                data-testid="upload-refusal"
            >
                {move || {
                    (!hydrated.get() || entries.read().is_empty())
                        .then(|| refusal.clone())
                        .flatten()
                }}
            </p>
            <ul class="mt-3 space-y-2 empty:hidden" aria-label="Uploads" aria-live="polite">
                <For each=move || entries.get() key=|e| e.key let:entry>
                    <UploadRow entry />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn UploadRow(entry: Entry) -> impl IntoView {
    let state = entry.state;
    let name = entry.name.get_value();
    view! {
        <li
            class="rounded-md border border-slate-200 p-2 dark:border-slate-800"
            data-testid="upload-row"
            data-state=move || state.read().as_str()
        >
            <div class="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                <span class="min-w-0 flex-1 truncate font-medium" title=name.clone()>
                    {name.clone()}
                </span>
                <span class="text-xs text-slate-600 tabular-nums dark:text-slate-400">
                    {human_size(entry.size)}
                </span>
            </div>
            <div
                class="mt-1.5 h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
                role="progressbar"
                aria-label=format!("{name} upload")
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || state.read().percent().to_string()
            >
                <div
                    class=move || state.read().bar_class()
                    style=move || format!("width: {}%", state.read().percent())
                ></div>
            </div>
            <p
                class=move || {
                    match &*state.read() {
                        UploadState::Failed(_) | UploadState::Refused(_) | UploadState::Error(_) => {
                            "mt-1 text-xs text-red-700 dark:text-red-400"
                        }
                        UploadState::Ready { .. } => {
                            "mt-1 text-xs text-emerald-800 dark:text-emerald-300"
                        }
                        _ => "mt-1 text-xs text-slate-600 dark:text-slate-400",
                    }
                }
                data-testid="upload-state"
            >
                {move || state.read().text()}
            </p>
        </li>
    }
}

/// While some sent file is processing, asks after those files every [`POLL_EVERY`].
fn follow_processing(uploads: Uploads) {
    // Bumped by every answer, so a poll that changed nothing still schedules the next.
    let polls = RwSignal::new(0u32);
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        polls.track();
        let waiting: Vec<(Entry, String)> = uploads
            .entries
            .get()
            .into_iter()
            .filter(|e| e.state.get() == UploadState::Processing)
            .filter_map(|e| Some((e, e.document.get()?)))
            .collect();
        if waiting.is_empty() || scheduled.get_value() {
            return;
        }
        scheduled.set_value(true);
        set_timeout(
            move || {
                leptos::task::spawn_local(async move {
                    let ids = waiting.iter().map(|(_, id)| id.clone()).collect();
                    let found = document_statuses(uploads.chatbot_id.get_value(), ids).await;
                    scheduled.set_value(false);
                    if let Ok(found) = found {
                        for (entry, id) in &waiting {
                            match found.iter().find(|d| &d.id == id) {
                                Some(doc) => entry.state.set(UploadState::of(doc)),
                                None => entry.state.set(UploadState::Deleted),
                            }
                        }
                    }
                    polls.update(|n| *n += 1);
                });
            },
            POLL_EVERY,
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_reads_as_what_became_of_it() {
        assert_eq!(UploadState::Uploading(42).text(), "Uploading 42%");
        assert_eq!(UploadState::Ready { chunks: 1 }.text(), "Ready · 1 chunk");
        assert_eq!(UploadState::Ready { chunks: 7 }.text(), "Ready · 7 chunks");
        let refused = UploadState::of_error(&AppError::Validation {
            message: "“a.exe” is not a supported file type.".into(),
            fields: Default::default(),
        });
        assert_eq!(
            refused.text(),
            "Refused: “a.exe” is not a supported file type."
        );
        assert_eq!(
            UploadState::of_error(&AppError::BackendUnavailable("down".into())).as_str(),
            "error"
        );
        assert_eq!(UploadState::Waiting.percent(), 0);
        assert_eq!(UploadState::Processing.percent(), 100);
    }
}
