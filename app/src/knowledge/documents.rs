//! The document table: title, type, size, chunks, created and a status badge per document,
//! filtered by title and paged. While a document is processing the table reloads itself
//! every [`POLL_EVERY`]; rows can be renamed inline, replaced with a new file, deleted (after
//! a confirmation dialog) or opened to read their chunks. On a phone each row is a card.

use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use okchat::{DocumentStatus, KnowledgeDocument};

use super::events;
use super::labels::{chunk_href, human_size, kind_label, query_encode, status_class, status_label};
use super::server_fns::{
    delete_document, list_documents, rename_document, DocumentList, ReplaceDocument,
};
use super::uploader::{UploadState, ACCEPT, POLL_EVERY};
use crate::ui::fields::INPUT;
use crate::ui::format::{group_digits, short_timestamp};

const SMALL_BUTTON: &str = "rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800";
/// A cell; on a phone, a line of the card with its column's name before it.
const CELL: &str = "px-4 py-3 align-top max-md:flex max-md:gap-3 max-md:px-0 max-md:py-1 max-md:before:w-20 max-md:before:shrink-0 max-md:before:text-xs max-md:before:font-medium max-md:before:text-slate-600 max-md:before:content-[attr(data-label)] dark:max-md:before:text-slate-400";

/// A document's status as a badge; a failed one with its reason beside it.
#[component]
pub fn StatusBadge(status: DocumentStatus, error: Option<String>) -> impl IntoView {
    let icon = match status {
        DocumentStatus::Processing => Either::Left(view! {
            <span
                class="h-3 w-3 animate-spin rounded-full border-2 border-current border-t-transparent"
                aria-hidden="true"
            ></span>
        }),
        _ => Either::Right(()),
    };
    let reason = (status == DocumentStatus::Failed).then(|| {
        view! {
            <p class="mt-1 text-xs text-red-700 dark:text-red-400" data-testid="document-error">
                {error.unwrap_or_else(|| "Its text could not be extracted.".into())}
            </p>
        }
    });
    view! {
        <div>
            <span class=status_class(status) data-testid="document-status">
                {icon}
                {status_label(status)}
            </span>
            {reason}
        </div>
    }
}

/// The address of the tab showing `title`'s matches at `page`.
fn tab_href(chatbot_id: &str, title: &str, page: u32) -> String {
    let mut params = Vec::new();
    if !title.is_empty() {
        params.push(format!("title={}", query_encode(title)));
    }
    if page > 1 {
        params.push(format!("page={page}"));
    }
    let query = if params.is_empty() {
        String::new()
    } else {
        format!("?{}", params.join("&"))
    };
    format!("/chatbots/{chatbot_id}/knowledge{query}")
}

/// The table's state, shared by its rows.
#[derive(Clone, Copy)]
struct Table {
    chatbot_id: StoredValue<String>,
    list: RwSignal<DocumentList>,
    /// The document being renamed, and the title typed so far.
    renaming: RwSignal<Option<(String, String)>>,
    /// A replacement's progress, per document.
    replacing: RwSignal<Vec<(String, UploadState)>>,
    /// The document the next chosen replacement file is for.
    replace_target: StoredValue<Option<String>>,
    /// The document the delete dialog asks about (id, title).
    deleting: RwSignal<Option<(String, String)>>,
    /// Why a row's last action failed (id, reason).
    row_error: RwSignal<Option<(String, String)>>,
}

impl Table {
    fn put(self, doc: KnowledgeDocument) {
        self.list.update(|list| {
            if let Some(row) = list.documents.iter_mut().find(|d| d.id == doc.id) {
                *row = doc;
            }
        });
    }
}

/// The table of documents, with the title filter and paging; `first` is the page the server
/// rendered.
#[island(lazy)]
pub fn DocumentTable(chatbot_id: String, first: DocumentList) -> impl IntoView {
    let filter = RwSignal::new(first.title.clone());
    let table = Table {
        chatbot_id: StoredValue::new(chatbot_id),
        list: RwSignal::new(first),
        renaming: RwSignal::new(None),
        replacing: RwSignal::new(Vec::new()),
        replace_target: StoredValue::new(None),
        deleting: RwSignal::new(None),
        row_error: RwSignal::new(None),
    };
    let list = table.list;
    let load = Action::new(move |(title, page): &(String, u32)| {
        list_documents(table.chatbot_id.get_value(), title.clone(), *page)
    });
    let reload = move || {
        let (title, page) = list.with_untracked(|l| (l.title.clone(), l.page));
        load.dispatch((title, page));
    };
    Effect::new(move |_| match load.value().get() {
        // A page emptied by deletions gives way to the last page there is.
        Some(Ok(page)) if page.documents.is_empty() && page.page > 1 && page.total_pages > 0 => {
            load.dispatch((page.title, page.total_pages));
        }
        // An answer for a filter since changed is dropped: the newer one follows.
        Some(Ok(page)) if page.title == filter.get_untracked().trim() => {
            list.set(page);
        }
        _ => {}
    });
    // The page's address follows the filter and the page, so a reload shows the same.
    Effect::new(move |first_run: Option<()>| {
        let href = list.with(|l| tab_href(&table.chatbot_id.get_value(), &l.title, l.page));
        if first_run.is_some() {
            if let Ok(history) = window().history() {
                history
                    .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href))
                    .ok();
            }
        }
    });
    // The filter applies a moment after the typing stops.
    let typing = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |first_run: Option<()>| {
        let title = filter.get();
        if first_run.is_none() {
            return;
        }
        if let Some(handle) = typing.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                load.dispatch((title.trim().to_owned(), 1));
            },
            std::time::Duration::from_millis(250),
        );
        typing.set_value(handle.ok());
    });
    // While a row is processing, the list reloads itself; an answer (or a failed one) lets
    // the next poll be scheduled.
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        load.value().track();
        if !list.with(DocumentList::processing) || scheduled.get_value() {
            return;
        }
        scheduled.set_value(true);
        set_timeout(
            move || {
                scheduled.set_value(false);
                reload();
            },
            POLL_EVERY,
        );
    });
    events::on_change(reload);

    let rename = Action::new(move |(document, title): &(String, String)| {
        rename_document(
            table.chatbot_id.get_value(),
            document.clone(),
            title.clone(),
        )
    });
    Effect::new(move |_| match rename.value().get() {
        Some(Ok(doc)) => {
            table.renaming.set(None);
            table.row_error.set(None);
            table.put(doc);
        }
        Some(Err(error)) => {
            let reason = error
                .field(super::server_fns::keys::RENAME_TITLE)
                .map(str::to_owned)
                .unwrap_or_else(|| error.to_string());
            if let Some((id, _)) = table.renaming.get_untracked() {
                table.row_error.set(Some((id, reason)));
            }
        }
        None => {}
    });

    let dialog = NodeRef::<html::Dialog>::new();
    let delete = Action::new(move |document: &String| {
        delete_document(table.chatbot_id.get_value(), document.clone())
    });
    let delete_error = move || match delete.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            if let Some(dialog) = dialog.get_untracked() {
                dialog.close();
            }
            reload();
        }
    });
    Effect::new(move |_| {
        if table.deleting.get().is_some() {
            if let Some(dialog) = dialog.get_untracked() {
                if !dialog.open() {
                    dialog.show_modal().ok();
                }
            }
        }
    });

    let replace_input = NodeRef::<html::Input>::new();
    let on_replacement = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let file = input.files().and_then(|f| f.get(0));
        input.set_value("");
        let (Some(file), Some(document)) = (file, table.replace_target.get_value()) else {
            return;
        };
        send_replacement(table, document, file);
    };
    let choose_replacement = Callback::new(move |document: String| {
        table.replace_target.set_value(Some(document));
        if let Some(input) = replace_input.get_untracked() {
            input.click();
        }
    });
    let start_rename = Callback::new(move |(document, title): (String, String)| {
        table.row_error.set(None);
        table.renaming.set(Some((document, title)));
    });
    let save_rename = Callback::new(move |()| {
        if let Some((document, title)) = table.renaming.get_untracked() {
            rename.dispatch((document, title));
        }
    });
    let ask_delete = Callback::new(move |(document, title): (String, String)| {
        delete.value().set(None);
        table.deleting.set(Some((document, title)));
    });

    let documents = move || list.with(|l| l.documents.clone());
    let page_link = move |page: u32, label: &'static str| {
        let href = move || list.with(|l| tab_href(&table.chatbot_id.get_value(), &l.title, page));
        view! {
            <a
                href=href
                class=SMALL_BUTTON
                on:click=move |ev| {
                    ev.prevent_default();
                    load.dispatch((list.with_untracked(|l| l.title.clone()), page));
                }
            >
                {label}
            </a>
        }
    };
    view! {
        <section
            class="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
            aria-labelledby="documents-title"
        >
            <div class="flex flex-wrap items-center gap-3 p-4">
                <h2 id="documents-title" class="font-semibold">
                    "Documents"
                </h2>
                <span
                    class="text-sm text-slate-600 dark:text-slate-400"
                    data-testid="document-count"
                >
                    {move || {
                        let n = list.with(|l| l.total_count);
                        if n == 1 {
                            "1 document".to_owned()
                        } else {
                            format!("{} documents", group_digits(n as usize))
                        }
                    }}
                </span>
                <form
                    method="get"
                    role="search"
                    class="ml-auto flex w-full gap-2 sm:w-auto"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        load.dispatch((filter.get_untracked().trim().to_owned(), 1));
                    }
                >
                    <label for="document-filter" class="sr-only">
                        "Filter documents by title"
                    </label>
                    <input
                        id="document-filter"
                        name="title"
                        type="search"
                        placeholder="Filter by title"
                        class="block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm sm:w-56 dark:border-slate-700 dark:bg-slate-900"
                        value=filter.get_untracked()
                        bind:value=filter
                    />
                </form>
            </div>
            <Show when=move || load.pending().get()>
                <p class="sr-only" role="status">
                    "Loading documents…"
                </p>
            </Show>
            {move || {
                if list.with(|l| !l.documents.is_empty()) {
                    return None;
                }
                let filtered = list.with(|l| l.title.clone());
                Some(
                    view! {
                        <p
                            class="border-t border-slate-200 p-4 text-sm text-slate-600 dark:border-slate-800 dark:text-slate-400"
                            data-testid="documents-empty"
                        >
                            {if filtered.is_empty() {
                                "No documents yet. Upload files, or add text, a Q&A entry or web pages."
                                    .to_owned()
                            } else {
                                format!("No document title contains “{filtered}”.")
                            }}
                        </p>
                    },
                )
            }}
            <div class="md:overflow-x-auto">
                <table class="w-full text-left text-sm max-md:block">
                    <thead class="bg-slate-50 text-xs uppercase tracking-wide text-slate-600 max-md:hidden dark:bg-slate-800 dark:text-slate-300">
                        <tr>
                            <th scope="col" class="px-4 py-2">
                                "Title"
                            </th>
                            <th scope="col" class="px-4 py-2">
                                "Type"
                            </th>
                            <th scope="col" class="px-4 py-2 text-right">
                                "Size"
                            </th>
                            <th scope="col" class="px-4 py-2 text-right">
                                "Chunks"
                            </th>
                            <th scope="col" class="px-4 py-2">
                                "Created"
                            </th>
                            <th scope="col" class="px-4 py-2">
                                "Status"
                            </th>
                            <th scope="col" class="px-4 py-2">
                                <span class="sr-only">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody class="max-md:block max-md:space-y-3 max-md:px-4 max-md:pb-4">
                        <For
                            each=documents
                            key=|d| {
                                (
                                    d.id.clone(),
                                    d.updated_at.clone(),
                                    d.status.as_str(),
                                    d.chunk_count,
                                    d.title.clone(),
                                )
                            }
                            let:doc
                        >
                            <DocumentRow
                                doc
                                table
                                start_rename
                                save_rename
                                choose_replacement
                                ask_delete
                            />
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || list.with(|l| l.total_pages > 1)>
                <nav
                    aria-label="Document pages"
                    class="flex items-center gap-3 border-t border-slate-200 p-4 text-sm dark:border-slate-800"
                >
                    {move || {
                        let (page, pages) = list.with(|l| (l.page, l.total_pages));
                        view! {
                            {(page > 1).then(|| page_link(page - 1, "Previous"))}
                            <span data-testid="document-page">
                                {format!("Page {page} of {pages}")}
                            </span>
                            {(page < pages).then(|| page_link(page + 1, "Next"))}
                        }
                    }}
                </nav>
            </Show>
            <input
                node_ref=replace_input
                type="file"
                accept=ACCEPT
                class="hidden"
                tabindex="-1"
                aria-hidden="true"
                on:change=on_replacement
            />
            <dialog
                node_ref=dialog
                aria-labelledby="delete-title"
                class="m-auto w-[min(28rem,calc(100%-2rem))] rounded-lg border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
                data-testid="delete-dialog"
                on:close=move |_| table.deleting.set(None)
            >
                <h3 id="delete-title" class="font-semibold">
                    "Delete this document?"
                </h3>
                <p class="mt-2 text-sm text-slate-700 dark:text-slate-300">
                    "“" {move || table.deleting.get().map(|(_, title)| title).unwrap_or_default()}
                    "” and its chunks are removed from the knowledge base; the chatbot stops answering from it. This cannot be undone."
                </p>
                <p role="alert" class="mt-2 text-sm text-red-700 empty:hidden dark:text-red-400">
                    {delete_error}
                </p>
                <div class="mt-4 flex justify-end gap-2">
                    <button
                        type="button"
                        autofocus
                        class="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700"
                        on:click=move |_| {
                            if let Some(dialog) = dialog.get_untracked() {
                                dialog.close();
                            }
                        }
                    >
                        "Cancel"
                    </button>
                    <button
                        type="button"
                        class="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-60"
                        disabled=move || delete.pending().get()
                        on:click=move |_| {
                            if let Some((document, _)) = table.deleting.get_untracked() {
                                delete.dispatch(document);
                            }
                        }
                    >
                        "Delete document"
                    </button>
                </div>
            </dialog>
        </section>
    }
}

/// Uploads `file` as `document`'s new content, its progress shown in the document's row.
fn send_replacement(table: Table, document: String, file: web_sys::File) {
    let document_id = document.clone();
    let set = move |state: UploadState| {
        let document = document.clone();
        table.replacing.update(move |all| {
            all.retain(|(id, _)| *id != document);
            all.push((document, state));
        });
    };
    let form = web_sys::FormData::new().ok().filter(|form| {
        form.append_with_str("id", &table.chatbot_id.get_value())
            .is_ok()
            && form.append_with_str("document_id", &document_id).is_ok()
            && form
                .append_with_blob_and_filename("file", &file, &file.name())
                .is_ok()
    });
    let Some(form) = form else {
        return set(UploadState::Error(
            "This browser could not read the file.".into(),
        ));
    };
    set(UploadState::Uploading(0));
    let progress = set.clone();
    super::xhr::post_form::<KnowledgeDocument>(
        ReplaceDocument::url(),
        &form,
        move |percent| {
            progress(if percent >= 100 {
                UploadState::Storing
            } else {
                UploadState::Uploading(percent)
            });
        },
        move |answer| match answer {
            Ok(doc) => {
                let id = doc.id.clone();
                table.put(doc);
                table.replacing.update(|all| all.retain(|(d, _)| *d != id));
                events::announce_change();
            }
            Err(error) => set(UploadState::of_error(&error)),
        },
    );
}

#[component]
fn DocumentRow(
    doc: KnowledgeDocument,
    table: Table,
    start_rename: Callback<(String, String)>,
    save_rename: Callback<()>,
    choose_replacement: Callback<String>,
    ask_delete: Callback<(String, String)>,
) -> impl IntoView {
    let id = StoredValue::new(doc.id.clone());
    let title = StoredValue::new(doc.title.clone());
    let href = chunk_href(&table.chatbot_id.get_value(), &doc.id, None, "");
    // A memo: the title cell is rebuilt when renaming starts or ends, not on every keystroke.
    let is_renaming = Memo::new(move |_| {
        table
            .renaming
            .read()
            .as_ref()
            .is_some_and(|(d, _)| *d == id.get_value())
    });
    let replacement = move || {
        table
            .replacing
            .read()
            .iter()
            .find(|(d, _)| *d == id.get_value())
            .map(|(_, state)| state.clone())
    };
    let row_error = move || {
        table
            .row_error
            .read()
            .as_ref()
            .filter(|(d, _)| *d == id.get_value())
            .map(|(_, reason)| reason.clone())
    };
    let rename_input = format!("rename-{}", doc.id);
    let subtitle = doc.source_url.clone().or_else(|| {
        (doc.file_name != doc.title && !doc.file_name.is_empty()).then(|| doc.file_name.clone())
    });
    // Typed and fetched sources have no file to replace.
    let replaceable = matches!(doc.source, None | Some(okchat::DocumentSource::File));
    let chunks = if doc.status == DocumentStatus::Ready {
        group_digits(doc.chunk_count as usize)
    } else {
        "—".to_owned()
    };
    let title_cell = move || {
        if is_renaming.get() {
            let input_id = rename_input.clone();
            // Focus moves into the field it opens, with the old title selected.
            let field = NodeRef::<html::Input>::new();
            Effect::new(move |_| {
                if let Some(field) = field.get() {
                    field.focus().ok();
                    field.select();
                }
            });
            Either::Left(view! {
                <form
                    class="flex flex-wrap items-center gap-2"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save_rename.run(());
                    }
                >
                    <label for=input_id.clone() class="sr-only">
                        "New title"
                    </label>
                    <input
                        id=input_id.clone()
                        type="text"
                        node_ref=field
                        class=format!("{INPUT} !mt-0 max-w-xs py-1 text-sm")
                        prop:value=move || {
                            table
                                .renaming
                                .read()
                                .as_ref()
                                .map(|(_, t)| t.clone())
                                .unwrap_or_default()
                        }
                        on:input=move |ev| {
                            let typed = event_target_value(&ev);
                            table
                                .renaming
                                .update(|r| {
                                    if let Some((_, title)) = r {
                                        *title = typed;
                                    }
                                });
                        }
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                ev.prevent_default();
                                table.renaming.set(None);
                                table.row_error.set(None);
                            }
                        }
                    />
                    <button type="submit" class=SMALL_BUTTON>
                        "Save"
                    </button>
                    <button
                        type="button"
                        class=SMALL_BUTTON
                        on:click=move |_| {
                            table.renaming.set(None);
                            table.row_error.set(None);
                        }
                    >
                        "Cancel"
                    </button>
                </form>
            })
        } else {
            Either::Right(view! {
                <a
                    href=href.clone()
                    class="font-medium break-words text-indigo-700 hover:underline dark:text-indigo-300"
                    data-testid="document-title"
                >
                    {title.get_value()}
                </a>
                {subtitle
                    .clone()
                    .map(|s| {
                        view! {
                            <span class="block text-xs break-all text-slate-600 dark:text-slate-400">
                                {s}
                            </span>
                        }
                    })}
            })
        }
    };
    view! {
        <tr
            class="border-t border-slate-200 max-md:block max-md:rounded-lg max-md:border max-md:p-3 dark:border-slate-800"
            data-testid="document-row"
            data-status=doc.status.as_str()
        >
            <td class=format!("{CELL} md:max-w-xs") data-label="Title">
                <div class="min-w-0">
                    {title_cell}
                    <p
                        role="alert"
                        class="mt-1 text-xs text-red-700 empty:hidden dark:text-red-400"
                    >
                        {row_error}
                    </p>
                </div>
            </td>
            <td class=CELL data-label="Type" data-testid="document-type">
                {kind_label(&doc)}
            </td>
            <td class=format!("{CELL} tabular-nums md:text-right") data-label="Size">
                {human_size(doc.size_bytes)}
            </td>
            <td
                class=format!("{CELL} tabular-nums md:text-right")
                data-label="Chunks"
                data-testid="document-chunks"
            >
                {chunks}
            </td>
            <td class=format!("{CELL} whitespace-nowrap") data-label="Created">
                <time datetime=doc.created_at.clone()>{short_timestamp(&doc.created_at)}</time>
            </td>
            <td class=CELL data-label="Status">
                <div>
                    <StatusBadge status=doc.status error=doc.error.clone() />
                    {move || {
                        replacement()
                            .map(|state| {
                                view! {
                                    <p
                                        class="mt-1 text-xs text-slate-700 dark:text-slate-300"
                                        data-testid="replace-state"
                                    >
                                        {state.text()}
                                    </p>
                                }
                            })
                    }}
                </div>
            </td>
            <td class=format!("{CELL} max-md:before:content-none") data-label="">
                <div class="flex flex-wrap gap-1.5">
                    <a
                        href=chunk_href(&table.chatbot_id.get_value(), &doc.id, None, "")
                        class=SMALL_BUTTON
                    >
                        "Chunks"
                    </a>
                    <button
                        type="button"
                        class=SMALL_BUTTON
                        aria-label=format!("Rename {}", doc.title)
                        on:click=move |_| start_rename.run((id.get_value(), title.get_value()))
                    >
                        "Rename"
                    </button>
                    {replaceable
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class=SMALL_BUTTON
                                    aria-label=format!("Replace the file of {}", doc.title)
                                    on:click=move |_| choose_replacement.run(id.get_value())
                                >
                                    "Replace"
                                </button>
                            }
                        })}
                    <button
                        type="button"
                        class=format!("{SMALL_BUTTON} text-red-800 dark:text-red-300")
                        aria-label=format!("Delete {}", doc.title)
                        on:click=move |_| ask_delete.run((id.get_value(), title.get_value()))
                    >
                        "Delete"
                    </button>
                </div>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_keeps_the_filter_and_the_page() {
        assert_eq!(tab_href("b1", "", 1), "/chatbots/b1/knowledge");
        assert_eq!(
            tab_href("b1", "faq & terms", 3),
            "/chatbots/b1/knowledge?title=faq%20%26%20terms&page=3"
        );
    }
}
