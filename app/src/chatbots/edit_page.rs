//! The Settings tab: the chatbot's form beside the live preview, its avatar, history and
//! deletion. A save sends only what the person changed since the page loaded, conditional on
//! the version the page loaded; someone else's save in between is kept (or, when it touched
//! the same fields, the person chooses to reload or overwrite).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::avatar_card::AvatarCard;
use super::draft::{Draft, Errors};
use super::form_fields::DraftFields;
use super::history::History;
use super::preview::Preview;
use super::save_bar::{banner_text, field_errors, PreviewToggle, BAR, PAGE_GRID, SUBMIT};
use super::schema::Values;
use super::server_fns::{ChatbotPage, DeleteChatbot, Saved, UpdateChatbot};
use super::shell::use_chatbot;
use crate::error::AppError;
use crate::ui::submit::dispatch_on_submit;

/// `/chatbots/{id}`: the chatbot the shell loaded, in the [`EditForm`] island.
#[component]
pub fn SettingsTab() -> impl IntoView {
    let chatbot = use_chatbot();
    view! {
        <crate::ui::frame::PreloadIsland island="edit_form" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                chatbot.await.ok().map(|page| view! { <EditForm page /> })
            })}
        </Suspense>
    }
}

/// The fields `current` changes against `base`.
fn changes(current: &Values, base: &Values) -> Values {
    current
        .iter()
        .filter(|(key, value)| base.get(*key) != Some(*value))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Why a save was refused as changed elsewhere, naming the fields both changed when known.
fn conflict_text(fields: &[String]) -> String {
    let what = if fields.is_empty() {
        "Someone saved it since you opened this page.".to_owned()
    } else {
        format!(
            "Someone saved it since you opened this page, and changed {} too.",
            fields.join(", ")
        )
    };
    format!("{what} Reload to see their version (your unsaved changes are lost), or overwrite it with yours.")
}

/// What a save stored becomes the page's saved state: each field takes the stored value, and
/// so does the draft where the person has not typed since sending (`sent`).
fn settle(draft: Draft, base: RwSignal<Values>, sent: &Values, stored: &Values) {
    let mut follow = Values::new();
    base.update(|base| {
        for (key, value) in stored {
            let typed_since = draft.field(key).get_untracked()
                != *sent.get(key).or(base.get(key)).unwrap_or(value);
            if !typed_since {
                follow.insert(key.clone(), value.clone());
            }
            base.insert(key.clone(), value.clone());
        }
    });
    draft.set(&follow);
}

/// The form, avatar, history and deletion: one island, with its own wasm chunk; the chatbot
/// arrives as the island's serialized props.
#[island(lazy)]
fn EditForm(page: ChatbotPage) -> impl IntoView {
    let update = ServerAction::<UpdateChatbot>::new();
    let delete = ServerAction::<DeleteChatbot>::new();
    let ChatbotPage {
        id,
        values,
        version_id,
        avatar,
        ..
    } = page;
    let draft = Draft::new(&values, avatar);
    let base = RwSignal::new(values);
    let version = RwSignal::new(version_id);
    // What the save under way sent, to tell later typing from what it stored.
    let sent = RwSignal::new(Values::new());
    // Bumped by every stored change: the history reloads.
    let saves = RwSignal::new(0u32);
    let current = draft.current();
    let errors = Errors::new(
        current,
        false,
        Signal::derive(move || field_errors(update.value().get())),
    );
    let dirty = Memo::new(move |_| *current.read() != *base.read());
    Effect::new(move |_| match update.value().get() {
        Some(Ok(Saved { version_id, fresh })) => {
            let sent = sent.get_untracked();
            let mut stored = sent.clone();
            stored.extend(fresh);
            settle(draft, base, &sent, &stored);
            version.set(version_id);
            saves.update(|n| *n += 1);
        }
        Some(Err(AppError::PartlySaved {
            saved_keys,
            version_id,
            ..
        })) => {
            let sent = sent.get_untracked();
            let stored: Values = saved_keys
                .iter()
                .filter_map(|k| Some((k.clone(), sent.get(k)?.clone())))
                .collect();
            settle(draft, base, &sent, &stored);
            version.set(version_id);
            saves.update(|n| *n += 1);
        }
        _ => {}
    });
    let id = StoredValue::new(id);
    let send = move |force: bool| {
        let input = changes(&current.get_untracked(), &base.get_untracked());
        let loaded = base.with_untracked(|base| {
            input
                .keys()
                .filter_map(|k| Some((k.clone(), base.get(k)?.clone())))
                .collect()
        });
        sent.set(input.clone());
        UpdateChatbot {
            id: id.get_value(),
            version_id: version.get_untracked(),
            input,
            base: Some(loaded),
            force: Some(force),
        }
    };
    let saved = move || matches!(update.value().get(), Some(Ok(_))) && !dirty.get();
    let conflict = move || match update.value().get() {
        Some(Err(AppError::ChangedElsewhere { fields })) => Some(fields),
        _ => None,
    };
    // Leaving with unsaved changes asks first (the browser's own prompt), except when the
    // chatbot is being deleted: its page then goes away on purpose.
    let deleting = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if dirty.get_untracked() && !deleting.get_untracked() {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    }
    let confirming = RwSignal::new(false);
    let preview_shown = RwSignal::new(false);
    let restored = Callback::new(move |saved: Saved| {
        draft.set(&saved.fresh);
        base.set(saved.fresh);
        version.set(saved.version_id);
        saves.update(|n| *n += 1);
    });
    view! {
        <div class=PAGE_GRID>
            <div class="min-w-0 space-y-10">
                <form
                    action=UpdateChatbot::url()
                    method="post"
                    // okchat's rules speak for the fields, beside each one: the browser's own range
                    // checks would hold the submit back with a bubble instead.
                    novalidate
                    class="space-y-6"
                    on:submit=dispatch_on_submit(
                        update,
                        move |_| errors.ready().then(|| send(false)),
                    )
                >
                    <input type="hidden" name="id" value=id.get_value() />
                    <input
                        type="hidden"
                        name="version_id"
                        value=version.get_untracked().unwrap_or_default()
                    />
                    <DraftFields draft errors slug_locked=true />
                    <div class=BAR>
                        <div
                            role="status"
                            aria-live="polite"
                            class="flex min-h-6 flex-1 flex-wrap items-center gap-2"
                        >
                            <Show when=move || dirty.get()>
                                <span
                                    class="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"
                                    data-testid="unsaved"
                                >
                                    "Unsaved changes"
                                </span>
                            </Show>
                            <Show when=saved>
                                <span
                                    class="rounded-md bg-emerald-100 px-3 py-1 text-sm font-medium text-emerald-900"
                                    data-testid="saved-toast"
                                >
                                    "Saved"
                                </span>
                            </Show>
                            <Show when=move || update.pending().get()>
                                <span class="text-sm text-slate-600 dark:text-slate-400">
                                    "Saving…"
                                </span>
                            </Show>
                        </div>
                        <PreviewToggle shown=preview_shown />
                        <button type="submit" class=SUBMIT disabled=move || update.pending().get()>
                            "Save changes"
                        </button>
                        <p
                            role="alert"
                            class="w-full text-sm text-red-700 empty:hidden dark:text-red-400"
                            data-testid="save-error"
                        >
                            {move || {
                                if conflict().is_some() {
                                    None
                                } else {
                                    errors.summary().or_else(|| banner_text(update.value().get()))
                                }
                            }}
                        </p>
                        {move || {
                            conflict()
                                .map(|fields| {
                                    view! {
                                        <div
                                            role="alert"
                                            class="w-full rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
                                            data-testid="conflict"
                                        >
                                            <p class="font-medium">
                                                "This chatbot was changed elsewhere."
                                            </p>
                                            <p class="mt-1">{conflict_text(&fields)}</p>
                                            <div class="mt-2 flex flex-wrap gap-2">
                                                <a
                                                    href=""
                                                    class="rounded-md border border-amber-400 px-3 py-1 font-medium hover:bg-amber-100 dark:hover:bg-amber-900"
                                                    on:click=move |_| deleting.set(true)
                                                >
                                                    "Reload"
                                                </a>
                                                <button
                                                    type="button"
                                                    class="rounded-md bg-amber-700 px-3 py-1 font-medium text-white hover:bg-amber-600"
                                                    on:click=move |_| {
                                                        update.dispatch(send(true));
                                                    }
                                                >
                                                    "Overwrite with mine"
                                                </button>
                                            </div>
                                        </div>
                                    }
                                })
                        }}
                    </div>
                </form>
                <AvatarCard id=id.get_value() avatar=draft.avatar />
                <History id=id.get_value() current saves dirty on_restored=restored />
                <div class="rounded-lg border border-red-200 p-4 dark:border-red-900">
                    <h2 class="font-semibold text-red-800 dark:text-red-300">
                        "Delete this chatbot"
                    </h2>
                    <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                        "Its knowledge base, conversations and files are deleted too. This cannot be undone."
                    </p>
                    <Show
                        when=move || confirming.get()
                        fallback=move || {
                            view! {
                                <button
                                    type="button"
                                    class="mt-3 rounded-md border border-red-300 px-4 py-2 text-red-800 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950"
                                    on:click=move |_| confirming.set(true)
                                >
                                    "Delete chatbot"
                                </button>
                            }
                        }
                    >
                        <form
                            action=DeleteChatbot::url()
                            method="post"
                            class="mt-3 flex flex-wrap items-center gap-2"
                            on:submit=dispatch_on_submit(
                                delete,
                                move |_| {
                                    deleting.set(true);
                                    Some(DeleteChatbot {
                                        id: id.get_value(),
                                    })
                                },
                            )
                        >
                            <input type="hidden" name="id" value=id.get_value() />
                            <span class="text-sm">"Delete it for good?"</span>
                            <button
                                type="submit"
                                class="rounded-md bg-red-700 px-4 py-2 font-medium text-white hover:bg-red-600"
                            >
                                "Delete permanently"
                            </button>
                            <button
                                type="button"
                                class="rounded-md border border-slate-300 px-4 py-2"
                                on:click=move |_| confirming.set(false)
                            >
                                "Cancel"
                            </button>
                        </form>
                    </Show>
                </div>
            </div>
            <Preview look=draft.look() shown=preview_shown />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_names_the_fields_both_changed() {
        assert!(
            conflict_text(&["Slogan".into(), "Name".into()]).contains("changed Slogan, Name too.")
        );
        assert!(
            conflict_text(&[]).starts_with("Someone saved it since you opened this page. Reload")
        );
    }

    #[test]
    fn only_changed_fields_are_sent() {
        let base = Values::from([
            ("name".to_owned(), "Bot".to_owned()),
            ("slogan".to_owned(), "Hi".to_owned()),
        ]);
        let current = Values::from([
            ("name".to_owned(), "Bot".to_owned()),
            ("slogan".to_owned(), "Hello".to_owned()),
        ]);
        assert_eq!(
            changes(&current, &base),
            Values::from([("slogan".to_owned(), "Hello".to_owned())])
        );
    }
}
