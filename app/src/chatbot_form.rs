//! Creating a chatbot: the form, validated in the browser with okchat's rules on every
//! keystroke and again by the API, beside the live widget preview drawn from the draft.

use std::collections::BTreeMap;

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::params::Params;
use okchat::validate::Validate;
use okchat::{contrast, defaults, HexColor, SettingsInput, Slug, SnippetInput};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::widget::{ChatWidget, WidgetLook};

/// The form's fields as the browser posts them (`input[name]`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatbotForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub header: String,
    pub widget_name: String,
    pub slogan: String,
    pub logo: String,
    pub primary_color: String,
    pub secondary_color: String,
    pub greeting: String,
    /// A checkbox: present when ticked.
    pub is_public: Option<String>,
}

impl ChatbotForm {
    /// The Create Chatbot body; empty optional fields are left to the API's defaults.
    pub fn to_create(&self) -> okchat::CreateChatbot {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        okchat::CreateChatbot {
            name: Some(self.name.clone()),
            slug: some(&self.slug),
            description: Some(self.description.clone()),
            is_public: Some(self.is_public.is_some()),
            settings: Some(SettingsInput {
                greeting: some(&self.greeting),
                snippet: Some(SnippetInput {
                    name: some(&self.widget_name),
                    header: some(&self.header),
                    slogan: some(&self.slogan),
                    logo: Some(self.logo.trim().to_owned()),
                    primary_color: Some(self.primary_color.clone()),
                    secondary_color: Some(self.secondary_color.clone()),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

impl ChatbotForm {
    /// The Update Chatbot merge patch setting every field the form shows (not the slug).
    pub fn to_update(&self) -> okchat::UpdateChatbot {
        let create = self.to_create();
        okchat::UpdateChatbot {
            name: create.name,
            description: create.description,
            is_public: create.is_public,
            settings: create.settings.map(|mut s| {
                s.greeting = Some(self.greeting.clone());
                s
            }),
            ..Default::default()
        }
    }

    /// The form filled from a stored chatbot.
    pub fn from_chatbot(c: &okchat::Chatbot) -> Self {
        let s = &c.settings.snippet;
        Self {
            name: c.name.clone(),
            slug: c.slug.clone(),
            description: c.description.clone(),
            header: s.header.clone(),
            widget_name: s.name.clone(),
            slogan: s.slogan.clone(),
            logo: s.logo.clone(),
            primary_color: s.primary_color.clone(),
            secondary_color: s.secondary_color.clone(),
            greeting: c.settings.greeting.clone(),
            is_public: c.is_public.then(|| "on".into()),
        }
    }
}

/// Signed-in users only: one chatbot of their organization, as the edit form shows it.
#[server]
pub async fn get_chatbot_form(id: String) -> Result<ChatbotForm, AppError> {
    let (_, client) = crate::backend::client().await?;
    let chatbot = client.get_chatbot_details(&id).await?.chatbot;
    Ok(ChatbotForm::from_chatbot(&chatbot))
}

/// Signed-in users only: saves the form over the chatbot (a merge patch of the shown fields).
#[server]
pub async fn update_chatbot(id: String, input: ChatbotForm) -> Result<(), AppError> {
    let patch = input.to_update();
    patch.validate()?;
    let (_, client) = crate::backend::client().await?;
    client.update_chatbot(&id, &patch).await?;
    Ok(())
}

/// Signed-in users only: deletes the chatbot and everything it owns, then shows the list.
#[server]
pub async fn delete_chatbot(id: String) -> Result<(), AppError> {
    let (_, client) = crate::backend::client().await?;
    client.delete_chatbot(&id).await?;
    leptos_axum::redirect("/chatbots");
    Ok(())
}

/// Signed-in users only: creates a chatbot in their organization through the API.
#[server]
pub async fn create_chatbot(input: ChatbotForm) -> Result<String, AppError> {
    let body = input.to_create();
    body.validate()?;
    let (_, client) = crate::backend::client().await?;
    let created = client.create_chatbot(&body).await?;
    leptos_axum::redirect("/chatbots");
    Ok(created.chatbot.id)
}

/// Which API path each form field reports under.
const FIELD_PATHS: [(&str, &str); 10] = [
    ("name", "name"),
    ("slug", "slug"),
    ("description", "description"),
    ("header", "settings.snippet.header"),
    ("widget_name", "settings.snippet.name"),
    ("slogan", "settings.snippet.slogan"),
    ("logo", "settings.snippet.logo"),
    ("primary_color", "settings.snippet.primaryColor"),
    ("secondary_color", "settings.snippet.secondaryColor"),
    ("greeting", "settings.greeting"),
];

fn path_of(field: &str) -> &'static str {
    FIELD_PATHS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, p)| *p)
        .unwrap_or("")
}

const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";

#[component]
fn Field(
    /// The form field (`name`, `primary_color`, …); ids and names derive from it.
    field: &'static str,
    /// The visible label.
    label: &'static str,
    value: RwSignal<String>,
    /// The reason the value is refused, if it is.
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] readonly: bool,
) -> impl IntoView {
    let id = format!("field-{field}");
    let error_id = format!("{id}-error");
    let name = format!("input[{field}]");
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="3"
                class=INPUT
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                bind:value=value
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type="text"
                readonly=readonly
                class=INPUT
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                bind:value=value
            />
        }
        .into_any()
    };
    view! {
        <div>
            <label for=id class="block text-sm font-medium">{label}</label>
            {control}
            {hint.map(|h| view! { <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
            <p id=error_id class="mt-1 min-h-4 text-sm text-red-700 dark:text-red-400" data-testid=format!("error-{field}")>
                {move || error.get()}
            </p>
        </div>
    }
}

#[component]
fn ColorField(
    field: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{field}");
    let error_id = format!("{id}-error");
    // The picker needs #rrggbb; #rgb is widened, anything else shows the last good colour.
    let picker_value = move || {
        HexColor::parse(&value.read())
            .map(|c| {
                let (r, g, b) = c.rgb();
                format!("#{r:02x}{g:02x}{b:02x}")
            })
            .unwrap_or_else(|_| "#000000".into())
    };
    let contrast = move || {
        HexColor::parse(&value.read()).ok().map(|c| {
            let (ratio, pass) = contrast::widget_text_contrast(&c);
            (format!("{ratio:.1}:1"), pass)
        })
    };
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium">{label}</label>
            <div class="mt-1 flex items-center gap-2">
                <input
                    type="color"
                    class="h-10 w-12 cursor-pointer rounded border border-slate-300 bg-white p-1 dark:border-slate-700"
                    aria-label=format!("Color picker for the {}", label.to_lowercase().replace(" color", ""))
                    prop:value=picker_value
                    on:input=move |ev| value.set(event_target_value(&ev).to_uppercase())
                />
                <input
                    id=id
                    name=format!("input[{field}]")
                    type="text"
                    class="block w-32 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono dark:border-slate-700 dark:bg-slate-900"
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=error_id.clone()
                    bind:value=value
                />
                {move || contrast().map(|(ratio, pass)| view! {
                    <span
                        class=if pass { "rounded bg-emerald-100 px-2 py-1 text-xs font-medium text-emerald-800" } else { "rounded bg-amber-100 px-2 py-1 text-xs font-medium text-amber-900" }
                        data-testid=format!("contrast-{field}")
                        title="WCAG contrast of the widget's text on this colour"
                    >
                        {ratio} " " {if pass { "AA pass" } else { "AA fail" }}
                    </span>
                })}
            </div>
            <p id=error_id class="mt-1 min-h-4 text-sm text-red-700 dark:text-red-400" data-testid=format!("error-{field}")>
                {move || error.get()}
            </p>
        </div>
    }
}

/// The form's state: one signal per field.
#[derive(Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    slug: RwSignal<String>,
    description: RwSignal<String>,
    header: RwSignal<String>,
    widget_name: RwSignal<String>,
    slogan: RwSignal<String>,
    logo: RwSignal<String>,
    primary: RwSignal<String>,
    secondary: RwSignal<String>,
    greeting: RwSignal<String>,
    is_public: RwSignal<bool>,
}

impl Draft {
    fn new(form: &ChatbotForm) -> Self {
        Self {
            name: RwSignal::new(form.name.clone()),
            slug: RwSignal::new(form.slug.clone()),
            description: RwSignal::new(form.description.clone()),
            header: RwSignal::new(form.header.clone()),
            widget_name: RwSignal::new(form.widget_name.clone()),
            slogan: RwSignal::new(form.slogan.clone()),
            logo: RwSignal::new(form.logo.clone()),
            primary: RwSignal::new(form.primary_color.clone()),
            secondary: RwSignal::new(form.secondary_color.clone()),
            greeting: RwSignal::new(form.greeting.clone()),
            is_public: RwSignal::new(form.is_public.is_some()),
        }
    }

    fn form_untracked(&self) -> ChatbotForm {
        leptos::prelude::untrack(|| self.form())
    }

    fn form(&self) -> ChatbotForm {
        ChatbotForm {
            name: self.name.get(),
            slug: self.slug.get(),
            description: self.description.get(),
            header: self.header.get(),
            widget_name: self.widget_name.get(),
            slogan: self.slogan.get(),
            logo: self.logo.get(),
            primary_color: self.primary.get(),
            secondary_color: self.secondary.get(),
            greeting: self.greeting.get(),
            is_public: self.is_public.get().then(|| "on".into()),
        }
    }

    fn look(self) -> Signal<WidgetLook> {
        Signal::derive(move || WidgetLook {
            name: if self.widget_name.read().is_empty() {
                self.name.get()
            } else {
                self.widget_name.get()
            },
            header: if self.header.read().is_empty() {
                self.name.get()
            } else {
                self.header.get()
            },
            slogan: self.slogan.get(),
            logo: self.logo.get(),
            primary_color: self.primary.get(),
            secondary_color: self.secondary.get(),
            greeting: self.greeting.get(),
        })
    }
}

/// Field errors: okchat's rules on the draft (shown once a field has content or after a
/// submit attempt), else what the server answered.
#[derive(Clone, Copy)]
struct Errors {
    local: Memo<BTreeMap<String, String>>,
    server: Signal<BTreeMap<String, String>>,
    submitted: RwSignal<bool>,
}

impl Errors {
    fn new(
        local: Memo<BTreeMap<String, String>>,
        server: Signal<BTreeMap<String, String>>,
    ) -> Self {
        Self {
            local,
            server,
            submitted: RwSignal::new(false),
        }
    }

    fn for_field(self, field: &'static str, value: RwSignal<String>) -> Signal<Option<String>> {
        Signal::derive(move || {
            let path = path_of(field);
            let shown = self.submitted.get() || !value.read().is_empty();
            self.local
                .read()
                .get(path)
                .cloned()
                .filter(|_| shown)
                .or_else(|| self.server.read().get(path).cloned())
        })
    }

    /// For `on:submit:capture`: shows every error and stops an invalid form from posting.
    fn gate(self, ev: leptos::ev::SubmitEvent) {
        self.submitted.set(true);
        if !self.local.read_untracked().is_empty() {
            ev.prevent_default();
        }
    }
}

fn field_errors(value: Option<Result<impl Sized, AppError>>) -> BTreeMap<String, String> {
    match value {
        Some(Err(AppError::Validation { fields, .. })) => fields,
        _ => BTreeMap::new(),
    }
}

fn banner_text(value: Option<Result<impl Sized, AppError>>) -> Option<String> {
    match value {
        Some(Err(AppError::Validation { fields, .. })) if !fields.is_empty() => None,
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    }
}

#[component]
fn DraftFields(
    draft: Draft,
    errors: Errors,
    /// Edit forms show the slug read-only: the API never changes it.
    slug_locked: bool,
    /// Called when the person types in the slug field.
    #[prop(optional)]
    on_slug_input: Option<Callback<()>>,
) -> impl IntoView {
    let slug_hint = if slug_locked {
        "The slug cannot change after creation."
    } else {
        "Lowercase letters, digits and dashes; suggested from the name."
    };
    view! {
        <Field field="name" label="Name" value=draft.name error=errors.for_field("name", draft.name)/>
        <div on:input=move |_| {
            if let Some(callback) = on_slug_input {
                callback.run(());
            }
        }>
            <Field field="slug" label="Slug" value=draft.slug error=errors.for_field("slug", draft.slug) hint=slug_hint readonly=slug_locked/>
        </div>
        <Field field="description" label="Description" value=draft.description error=errors.for_field("description", draft.description) multiline=true/>
        <div class="flex items-center gap-2 py-2">
            <input id="field-is_public" type="checkbox" name="input[is_public]" bind:checked=draft.is_public class="h-4 w-4"/>
            <label for="field-is_public" class="text-sm font-medium">"Public (anyone with the embed code can chat)"</label>
        </div>
        <h2 class="pt-4 text-lg font-semibold">"Chat widget"</h2>
        <Field field="header" label="Header" value=draft.header error=errors.for_field("header", draft.header)/>
        <Field field="widget_name" label="Widget name" value=draft.widget_name error=errors.for_field("widget_name", draft.widget_name)/>
        <Field field="slogan" label="Slogan" value=draft.slogan error=errors.for_field("slogan", draft.slogan)/>
        <Field field="logo" label="Logo URL" value=draft.logo error=errors.for_field("logo", draft.logo) hint="An https:// image URL."/>
        <ColorField field="primary_color" label="Primary color" value=draft.primary error=errors.for_field("primary_color", draft.primary)/>
        <ColorField field="secondary_color" label="Secondary color" value=draft.secondary error=errors.for_field("secondary_color", draft.secondary)/>
        <Field field="greeting" label="Greeting" value=draft.greeting error=errors.for_field("greeting", draft.greeting) multiline=true/>
    }
    .into_any()
}

#[component]
fn Preview(draft: Draft) -> impl IntoView {
    view! {
        <aside class="lg:sticky lg:top-6 lg:self-start">
            <h2 class="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">"Live preview"</h2>
            <div class="rounded-xl border border-slate-200 bg-slate-100 p-4 dark:border-slate-800 dark:bg-slate-800">
                <ChatWidget look=draft.look() open=Signal::stored(true)/>
            </div>
        </aside>
    }
    .into_any()
}

const SUBMIT: &str = "rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60";

#[component]
pub fn NewChatbotPage() -> impl IntoView {
    let create = ServerAction::<CreateChatbot>::new();
    let draft = Draft::new(&ChatbotForm {
        slogan: defaults::SLOGAN.into(),
        primary_color: defaults::PRIMARY_COLOR.into(),
        secondary_color: defaults::SECONDARY_COLOR.into(),
        greeting: defaults::GREETING.into(),
        ..Default::default()
    });
    // The slug follows the name until someone types in the slug field.
    let slug_edited = RwSignal::new(false);
    Effect::new(move |_| {
        let name = draft.name.get();
        if !slug_edited.get_untracked() {
            let suggested = if name.trim().is_empty() {
                String::new()
            } else {
                Slug::from_name(&name).into_inner()
            };
            draft.slug.set(suggested);
        }
    });
    let local = Memo::new(move |_| match draft.form().to_create().validate() {
        Ok(()) => BTreeMap::new(),
        Err(errors) => errors.0,
    });
    let errors = Errors::new(
        local,
        Signal::derive(move || field_errors(create.value().get())),
    );
    view! {
        <section class="mx-auto max-w-6xl px-4 py-8 sm:px-6">
            <h1 class="text-2xl font-semibold tracking-tight">"New chatbot"</h1>
            <div class="mt-6 grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
                <ActionForm action=create attr:class="space-y-2" on:submit:capture=move |ev| errors.gate(ev)>
                    <DraftFields
                        draft
                        errors
                        slug_locked=false
                        on_slug_input=Callback::new(move |()| slug_edited.set(true))
                    />
                    <p role="alert" class="min-h-5 text-sm text-red-700 dark:text-red-400">{move || banner_text(create.value().get())}</p>
                    <button type="submit" class=SUBMIT disabled=move || create.pending().get()>"Create chatbot"</button>
                </ActionForm>
                <Preview draft/>
            </div>
        </section>
    }
    .into_any()
}

#[derive(leptos::Params, PartialEq, Clone)]
struct ChatbotParams {
    id: Option<String>,
}

#[component]
pub fn EditChatbotPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params::<ChatbotParams>();
    let id = move || {
        params
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.id.clone())
            .unwrap_or_default()
    };
    let chatbot = Resource::new_blocking(id, get_chatbot_form);
    view! {
        <Suspense fallback=|| view! { <p class="p-8 text-slate-500">"Loading chatbot…"</p> }>
            <ErrorBoundary fallback=|errors| view! {
                <div role="alert" class="m-8 rounded-md border border-red-300 bg-red-50 p-4 text-red-800">
                    {move || errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join(" ")}
                </div>
            }>
                {move || Suspend::new(async move {
                    chatbot.await.map(|form| view! { <EditForm id=id() form/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
    .into_any()
}

#[component]
fn EditForm(id: String, form: ChatbotForm) -> impl IntoView {
    let update = ServerAction::<UpdateChatbot>::new();
    let delete = ServerAction::<DeleteChatbot>::new();
    let draft = Draft::new(&form);
    let saved_form = RwSignal::new(form);
    let local = Memo::new(move |_| match draft.form().to_update().validate() {
        Ok(()) => BTreeMap::new(),
        Err(errors) => errors.0,
    });
    let errors = Errors::new(
        local,
        Signal::derive(move || field_errors(update.value().get())),
    );
    let dirty = Memo::new(move |_| draft.form() != saved_form.get());
    // A successful save makes the draft the saved state.
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            saved_form.set(draft.form_untracked());
        }
    });
    let saved = move || matches!(update.value().get(), Some(Ok(()))) && !dirty.get();
    // Leaving with unsaved changes asks first (the browser's own prompt).
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if dirty.get_untracked() {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    }
    let confirming = RwSignal::new(false);
    let id = StoredValue::new(id);
    let title = form_title(&saved_form.get_untracked().name);
    view! {
        <section class="mx-auto max-w-6xl px-4 py-8 sm:px-6">
            <div class="flex flex-wrap items-center gap-3">
                <h1 class="text-2xl font-semibold tracking-tight">{title}</h1>
                <Show when=move || dirty.get()>
                    <span class="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900" data-testid="unsaved">"Unsaved changes"</span>
                </Show>
            </div>
            <div class="mt-6 grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
                <div>
                    <ActionForm action=update attr:class="space-y-2" on:submit:capture=move |ev| errors.gate(ev)>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <DraftFields draft errors slug_locked=true/>
                        <p role="alert" class="min-h-5 text-sm text-red-700 dark:text-red-400">{move || banner_text(update.value().get())}</p>
                        <button type="submit" class=SUBMIT disabled=move || update.pending().get()>"Save changes"</button>
                    </ActionForm>
                    <div role="status" aria-live="polite" class="mt-3 min-h-6">
                        <Show when=saved>
                            <span class="rounded-md bg-emerald-100 px-3 py-1 text-sm font-medium text-emerald-900" data-testid="saved-toast">"Saved"</span>
                        </Show>
                    </div>
                    <div class="mt-10 rounded-lg border border-red-200 p-4 dark:border-red-900">
                        <h2 class="font-semibold text-red-800 dark:text-red-300">"Delete this chatbot"</h2>
                        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">"Its knowledge base, conversations and files are deleted too. This cannot be undone."</p>
                        <Show
                            when=move || confirming.get()
                            fallback=move || view! {
                                <button type="button" class="mt-3 rounded-md border border-red-300 px-4 py-2 text-red-800 hover:bg-red-50 dark:text-red-300" on:click=move |_| confirming.set(true)>
                                    "Delete chatbot"
                                </button>
                            }
                        >
                            <ActionForm action=delete attr:class="mt-3 flex flex-wrap items-center gap-2">
                                <input type="hidden" name="id" value=id.get_value()/>
                                <span class="text-sm">"Delete it for good?"</span>
                                <button type="submit" class="rounded-md bg-red-700 px-4 py-2 font-medium text-white hover:bg-red-600">"Delete permanently"</button>
                                <button type="button" class="rounded-md border border-slate-300 px-4 py-2" on:click=move |_| confirming.set(false)>"Cancel"</button>
                            </ActionForm>
                        </Show>
                    </div>
                </div>
                <Preview draft/>
            </div>
        </section>
    }
    .into_any()
}

fn form_title(name: &str) -> String {
    format!("Edit {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_maps_onto_the_create_body_and_its_error_paths() {
        let form = ChatbotForm {
            name: "Support".into(),
            primary_color: "blue".into(),
            secondary_color: "#10B981".into(),
            ..Default::default()
        };
        let errors = form.to_create().validate().unwrap_err();
        assert!(errors.get(path_of("primary_color")).is_some());
        assert!(errors.get(path_of("name")).is_none());
        let body = form.to_create();
        assert_eq!(body.slug, None, "an empty slug is generated by the API");
        assert_eq!(body.is_public, Some(false));
    }

    #[test]
    fn a_stored_chatbot_fills_the_form_and_saves_back_unchanged() {
        let chatbot: okchat::ChatbotEnvelope = serde_json::from_str(include_str!(
            "../../tests/fixtures/get_chatbot_details.response.json"
        ))
        .unwrap();
        let form = ChatbotForm::from_chatbot(&chatbot.chatbot);
        assert_eq!(
            form.primary_color,
            chatbot.chatbot.settings.snippet.primary_color
        );
        let patch = form.to_update();
        assert!(patch.validate().is_ok());
        assert_eq!(patch.slug, None, "the slug is never sent");
        let snippet = patch.settings.unwrap().snippet.unwrap();
        assert_eq!(
            snippet.header.as_deref(),
            Some(chatbot.chatbot.settings.snippet.header.as_str())
        );
    }
}
