//! The avatar card: the current image, a file picker that uploads at once (showing the chosen
//! image while it travels), and removal. Saved on its own, not by the settings form.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::server_fns::{upload_avatar, RemoveAvatar};
use crate::ui::submit::dispatch_on_submit;

/// The avatar: the current image, a file picker that uploads at once (showing the chosen
/// image while it travels), and removal.
#[component]
pub fn AvatarCard(id: String, avatar: RwSignal<Option<String>>) -> impl IntoView {
    let upload = Action::new_local(|data: &web_sys::FormData| upload_avatar(data.clone().into()));
    let remove = ServerAction::<RemoveAvatar>::new();
    let problem = RwSignal::new(None::<String>);
    // The server's answer replaces the local preview.
    Effect::new(move |_| match upload.value().get() {
        Some(Ok(url)) => {
            avatar.set(Some(url));
            problem.set(None);
        }
        Some(Err(e)) => problem.set(Some(
            e.field("settings.avatar")
                .map(str::to_owned)
                .unwrap_or_else(|| e.to_string()),
        )),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            avatar.set(None);
        }
    });
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            if file.size() > okchat::validate::AVATAR_MAX_BYTES as f64 {
                problem.set(Some(okchat::validate::AVATAR_TOO_LARGE.into()));
                return;
            }
            if let Ok(url) = web_sys::Url::create_object_url_with_blob(&file) {
                avatar.set(Some(url));
            }
            let Some(form) = input.form() else { return };
            if let Ok(data) = web_sys::FormData::new_with_form(&form) {
                upload.dispatch_local(data);
            }
        }
    };
    let id = StoredValue::new(id);
    view! {
        <section
            class="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
            aria-labelledby="avatar-title"
        >
            <h2 id="avatar-title" class="font-semibold">
                "Avatar"
            </h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "Shown beside the chatbot's answers. PNG, JPEG, GIF or WebP, up to 2 MiB."
            </p>
            <div class="mt-3 flex flex-wrap items-center gap-4">
                {move || match avatar.get() {
                    Some(src) => {
                        Either::Left(
                            view! {
                                <img
                                    src=src
                                    alt="Current avatar"
                                    class="h-16 w-16 rounded-full border border-slate-200 object-cover dark:border-slate-700"
                                    data-testid="avatar-image"
                                />
                            },
                        )
                    }
                    None => {
                        Either::Right(
                            view! {
                                <span
                                    class="flex h-16 w-16 items-center justify-center rounded-full border border-dashed border-slate-300 text-xs text-slate-600 dark:border-slate-700 dark:text-slate-400"
                                    data-testid="avatar-empty"
                                >
                                    "None"
                                </span>
                            },
                        )
                    }
                }} <form on:submit=|ev| ev.prevent_default()>
                    <input type="hidden" name="id" value=id.get_value() />
                    <label for="avatar-file" class="block text-sm font-medium">
                        "Avatar image"
                    </label>
                    <input
                        id="avatar-file"
                        name="avatar"
                        type="file"
                        accept="image/png,image/jpeg,image/gif,image/webp"
                        class="mt-1 block text-sm file:mr-3 file:rounded-md file:border-0 file:bg-indigo-50 file:px-3 file:py-1.5 file:font-medium file:text-indigo-800 dark:file:bg-slate-800 dark:file:text-slate-100"
                        on:change=on_change
                    />
                </form> <Show when=move || avatar.get().is_some()>
                    <form
                        action=RemoveAvatar::url()
                        method="post"
                        on:submit=dispatch_on_submit(
                            remove,
                            move |_| Some(RemoveAvatar { id: id.get_value() }),
                        )
                    >
                        <input type="hidden" name="id" value=id.get_value() />
                        <button
                            type="submit"
                            class="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                        >
                            "Remove avatar"
                        </button>
                    </form>
                </Show>
            </div>
            <p role="status" class="mt-2 min-h-5 text-sm" data-testid="avatar-status">
                {move || {
                    if upload.pending().get() {
                        "Uploading…".to_owned()
                    } else if let Some(p) = problem.get() {
                        p
                    } else if matches!(upload.value().get(), Some(Ok(_))) {
                        "Avatar saved.".to_owned()
                    } else {
                        String::new()
                    }
                }}
            </p>
        </section>
    }
}
