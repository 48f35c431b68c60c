//! Creating and editing a chatbot: the form, validated in the browser with okchat's rules on
//! every keystroke and again by the API, beside the live widget preview drawn from the draft.
//! The server functions here proxy to the backend API; they never touch a database.

use std::collections::BTreeMap;

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use leptos::server_fn::ServerFn;
use leptos_router::params::Params;
use okchat::Slug;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, PageError};
use crate::fields::{dispatch_on_submit, ColorField, Field, NumberField, SelectField, Toggle};
use crate::form::{
    embed_snippet, path_of, ChatbotForm, VoiceKind, LANGUAGES, MODELS, VOICE_FIELDS,
};
use crate::preview::{EmbedCard, Preview};
use crate::widget::WidgetLook;

/// What the edit page needs: the form, the avatar, and where the widget script is served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditData {
    pub id: String,
    pub form: ChatbotForm,
    pub avatar: Option<String>,
    /// The URL of the embeddable widget's loader script.
    pub script_url: String,
}

/// Field errors from one of the API's sub-resources, moved under the form's prefix.
#[cfg(feature = "ssr")]
fn api_errors_under(prefix: &'static str) -> impl Fn(okchat::ClientError) -> AppError {
    move |error| match AppError::from(error) {
        AppError::Validation { message, fields } => AppError::Validation {
            message,
            fields: crate::form::under(prefix, fields),
        },
        other => other,
    }
}

/// Rejects a form that okchat's rules refuse, before anything is sent.
#[cfg(feature = "ssr")]
fn check(form: &ChatbotForm, create: bool) -> Result<(), AppError> {
    Ok(okchat::FieldErrors(form.errors(create)).into_result()?)
}

/// Signed-in users only: one chatbot of their organization, as the edit page shows it.
#[server]
pub async fn get_chatbot_form(id: String) -> Result<EditData, AppError> {
    let (_, client) = crate::backend::client().await?;
    let chatbot = client.get_chatbot_details(&id).await?.chatbot;
    Ok(EditData {
        form: ChatbotForm::from_chatbot(&chatbot),
        avatar: chatbot.settings.avatar.clone(),
        script_url: format!("{}/widget.js", crate::backend::console_origin()),
        id: chatbot.id,
    })
}

/// Signed-in users only: saves the form over the chatbot. Everything is checked first; then
/// the chatbot (a merge patch of the shown fields), the widget language and the voice agent
/// are saved, each only when it changed.
#[server]
pub async fn update_chatbot(id: String, input: ChatbotForm) -> Result<(), AppError> {
    check(&input, false)?;
    let (_, client) = crate::backend::client().await?;
    let before = ChatbotForm::from_chatbot(&client.get_chatbot_details(&id).await?.chatbot);
    client.update_chatbot(&id, &input.to_update()).await?;
    if input.language != before.language {
        client
            .chat_widget(&id, &input.to_chat_widget())
            .await
            .map_err(api_errors_under("chat_widget"))?;
    }
    if input.voice != before.voice {
        let patch = crate::form::voice_patch(&before.to_voice()?, &input.to_voice()?);
        client
            .voice_agent_raw(&id, &patch)
            .await
            .map_err(api_errors_under("voice"))?;
    }
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

/// Signed-in users only: creates a chatbot in their organization through the API, then sets
/// its widget language and voice agent when the form gives them.
#[server]
pub async fn create_chatbot(input: ChatbotForm) -> Result<String, AppError> {
    check(&input, true)?;
    let (_, client) = crate::backend::client().await?;
    let created = client.create_chatbot(&input.to_create()).await?.chatbot;
    if input.language != okchat::defaults::LANGUAGE {
        client
            .chat_widget(&created.id, &input.to_chat_widget())
            .await
            .map_err(api_errors_under("chat_widget"))?;
    }
    if !input.voice.is_empty() {
        client
            .voice_agent(&created.id, &input.to_voice()?)
            .await
            .map_err(api_errors_under("voice"))?;
    }
    leptos_axum::redirect("/chatbots");
    Ok(created.id)
}

/// Signed-in users only: uploads an avatar image (multipart fields `id` and `avatar`) through
/// Chatbot Avatar; returns the stored image's URL.
#[server(input = MultipartFormData)]
pub async fn upload_avatar(data: MultipartData) -> Result<String, AppError> {
    let (_, client) = crate::backend::client().await?;
    let bad = |message: &str| AppError::Validation {
        message: message.to_owned(),
        fields: BTreeMap::from([("settings.avatar".to_owned(), message.to_owned())]),
    };
    let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
    let (mut id, mut file) = (None, None);
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("The upload was interrupted."))?
    {
        let name = field.name().map(str::to_owned);
        match name.as_deref() {
            Some("id") => id = Some(field.text().await.map_err(|_| bad("Bad chatbot id."))?),
            Some("avatar") => {
                let name = field.file_name().unwrap_or("avatar").to_owned();
                let content_type = field.content_type().map(|m| m.to_string());
                let mut bytes = Vec::new();
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|_| bad("The upload was interrupted."))?
                {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > okchat::validate::AVATAR_MAX_BYTES {
                        return Err(bad("The image is larger than 2 MB."));
                    }
                }
                file = Some(okchat::UploadFile {
                    file_name: name,
                    content_type,
                    bytes,
                });
            }
            _ => {}
        }
    }
    let id = id.ok_or_else(|| bad("Bad chatbot id."))?;
    let file = file
        .filter(|f| !f.bytes.is_empty())
        .ok_or_else(|| bad("Choose an image first."))?;
    let chatbot = client
        .chatbot_avatar(&id, file)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Validation { message, .. } => bad(&message),
            other => other,
        })?
        .chatbot;
    chatbot.settings.avatar.ok_or(AppError::Internal)
}

/// Signed-in users only: removes the chatbot's avatar.
#[server]
pub async fn remove_avatar(id: String) -> Result<(), AppError> {
    let (_, client) = crate::backend::client().await?;
    let patch = okchat::UpdateChatbot {
        settings: Some(okchat::SettingsInput {
            avatar: Some(None),
            ..Default::default()
        }),
        ..Default::default()
    };
    client.update_chatbot(&id, &patch).await?;
    Ok(())
}

/// The form's state: one signal per field.
#[derive(Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    slug: RwSignal<String>,
    description: RwSignal<String>,
    is_public: RwSignal<bool>,
    tone: RwSignal<String>,
    style: RwSignal<String>,
    model: RwSignal<String>,
    prompt: RwSignal<String>,
    greeting: RwSignal<String>,
    tools: RwSignal<bool>,
    lead_capture: RwSignal<bool>,
    header: RwSignal<String>,
    widget_name: RwSignal<String>,
    slogan: RwSignal<String>,
    logo: RwSignal<String>,
    primary: RwSignal<String>,
    secondary: RwSignal<String>,
    language: RwSignal<String>,
    /// One per [`VOICE_FIELDS`] entry, in order.
    voice: [RwSignal<String>; VOICE_FIELDS.len()],
    /// The uploaded avatar, shown in the preview (saved on its own, not by the form).
    avatar: RwSignal<Option<String>>,
}

impl Draft {
    fn new(form: &ChatbotForm, avatar: Option<String>) -> Self {
        let s = |v: &String| RwSignal::new(v.clone());
        Self {
            name: s(&form.name),
            slug: s(&form.slug),
            description: s(&form.description),
            is_public: RwSignal::new(form.is_public.is_some()),
            tone: s(&form.tone),
            style: s(&form.style),
            model: s(&form.model),
            prompt: s(&form.prompt),
            greeting: s(&form.greeting),
            tools: RwSignal::new(form.is_tool_enabled.is_some()),
            lead_capture: RwSignal::new(form.is_request_user_info_enabled.is_some()),
            header: s(&form.header),
            widget_name: s(&form.widget_name),
            slogan: s(&form.slogan),
            logo: s(&form.logo),
            primary: s(&form.primary_color),
            secondary: s(&form.secondary_color),
            language: s(&form.language),
            voice: VOICE_FIELDS
                .map(|f| RwSignal::new(form.voice.get(f.key).cloned().unwrap_or_default())),
            avatar: RwSignal::new(avatar),
        }
    }

    /// The draft as the form it posts, recomputed once per change: validation, the unsaved
    /// check and the embed snippet all read this one memo.
    fn current(self) -> Memo<ChatbotForm> {
        Memo::new(move |_| self.form())
    }

    fn form(&self) -> ChatbotForm {
        let on = |b: RwSignal<bool>| b.get().then(|| "on".to_owned());
        ChatbotForm {
            name: self.name.get(),
            slug: self.slug.get(),
            description: self.description.get(),
            is_public: on(self.is_public),
            tone: self.tone.get(),
            style: self.style.get(),
            model: self.model.get(),
            prompt: self.prompt.get(),
            greeting: self.greeting.get(),
            is_tool_enabled: on(self.tools),
            is_request_user_info_enabled: on(self.lead_capture),
            header: self.header.get(),
            widget_name: self.widget_name.get(),
            slogan: self.slogan.get(),
            logo: self.logo.get(),
            primary_color: self.primary.get(),
            secondary_color: self.secondary.get(),
            language: self.language.get(),
            voice: VOICE_FIELDS
                .iter()
                .zip(self.voice)
                .map(|(f, v)| (f.key.to_owned(), v.get()))
                .filter(|(_, v)| !v.trim().is_empty())
                .collect(),
        }
    }

    fn look(self) -> Signal<WidgetLook> {
        let or_name = move |s: RwSignal<String>| {
            if s.read().is_empty() {
                self.name.get()
            } else {
                s.get()
            }
        };
        // A memo: the widget's many bindings read it, and each read must not rebuild it.
        Memo::new(move |_| WidgetLook {
            name: or_name(self.widget_name),
            header: or_name(self.header),
            slogan: self.slogan.get(),
            logo: self.logo.get(),
            primary_color: self.primary.get(),
            secondary_color: self.secondary.get(),
            greeting: self.greeting.get(),
            avatar: self.avatar.get().unwrap_or_default(),
        })
        .into()
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
        form: Memo<ChatbotForm>,
        create: bool,
        server: Signal<BTreeMap<String, String>>,
    ) -> Self {
        Self {
            local: Memo::new(move |_| form.read().errors(create)),
            server,
            submitted: RwSignal::new(false),
        }
    }

    fn for_field(self, field: &str, value: RwSignal<String>) -> Signal<Option<String>> {
        let path = path_of(field);
        Signal::derive(move || {
            let shown = self.submitted.get() || !value.read().is_empty();
            self.local
                .read()
                .get(&path)
                .cloned()
                .filter(|_| shown)
                .or_else(|| self.server.read().get(&path).cloned())
        })
    }

    /// On submit: from now on every error shows; true when the draft passes the rules and
    /// may be sent.
    fn ready(self) -> bool {
        self.submitted.set(true);
        self.local.read_untracked().is_empty()
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
        Some(Err(AppError::Validation { fields, .. })) if !fields.is_empty() => {
            Some("Some fields need attention; see the messages beside them.".into())
        }
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    }
}

const SECTION: &str = "space-y-2 rounded-lg border border-slate-200 bg-white p-4 sm:p-5 dark:border-slate-800 dark:bg-slate-900";
const LEGEND: &str = "px-1 text-base font-semibold";

#[component]
fn DraftFields(
    draft: Draft,
    errors: Errors,
    /// Edit forms show the slug read-only: the API never changes it.
    slug_locked: bool,
) -> impl IntoView {
    let slug_hint = if slug_locked {
        "The slug cannot change after creation."
    } else {
        "Lowercase letters, digits and dashes; suggested from the name."
    };
    let e = move |field: &str, value| errors.for_field(field, value);
    view! {
        <fieldset class=SECTION>
            <legend class=LEGEND>"Basics"</legend>
            <Field field="name" label="Name" value=draft.name error=e("name", draft.name)/>
            <Field field="slug" label="Slug" value=draft.slug error=e("slug", draft.slug) hint=slug_hint readonly=slug_locked/>
            <Field field="description" label="Description" value=draft.description error=e("description", draft.description) rows=2 max_chars=okchat::validate::DESCRIPTION_MAX/>
            <Toggle field="is_public" label="Public" value=draft.is_public hint="Anyone with the embed code can chat with it."/>
        </fieldset>
        <fieldset class=SECTION>
            <legend class=LEGEND>"Behaviour"</legend>
            <Field field="model" label="Model" value=draft.model error=e("model", draft.model) suggestions=&MODELS hint="The language model that writes the answers."/>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <Field field="tone" label="Tone" value=draft.tone error=e("tone", draft.tone) suggestions=&["Professional", "Friendly", "Casual", "Formal", "Playful"]/>
                <Field field="style" label="Style" value=draft.style error=e("style", draft.style) suggestions=&["Friendly", "Concise", "Detailed", "Empathetic", "Technical"]/>
            </div>
            <Field field="prompt" label="Prompt" value=draft.prompt error=e("prompt", draft.prompt) rows=8 max_chars=okchat::validate::PROMPT_MAX hint="Instructions the model follows in every conversation."/>
            <Field field="greeting" label="Greeting" value=draft.greeting error=e("greeting", draft.greeting) rows=2 max_chars=okchat::validate::GREETING_MAX/>
            <Toggle field="is_tool_enabled" label="Tools" value=draft.tools hint="Let the chatbot call its enabled tools while answering."/>
            <Toggle field="is_request_user_info_enabled" label="Lead capture" value=draft.lead_capture hint="Ask visitors for their name and email during the conversation."/>
        </fieldset>
        <fieldset class=SECTION>
            <legend class=LEGEND>"Chat widget"</legend>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <Field field="header" label="Header" value=draft.header error=e("header", draft.header) placeholder="The chatbot's name"/>
                <Field field="widget_name" label="Widget name" value=draft.widget_name error=e("widget_name", draft.widget_name) placeholder="The chatbot's name"/>
            </div>
            <Field field="slogan" label="Slogan" value=draft.slogan error=e("slogan", draft.slogan)/>
            <Field field="logo" label="Logo URL" value=draft.logo error=e("logo", draft.logo) hint="An https:// image URL."/>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <ColorField field="primary_color" label="Primary color" value=draft.primary error=e("primary_color", draft.primary) contrast=true/>
                <ColorField field="secondary_color" label="Secondary color" value=draft.secondary error=e("secondary_color", draft.secondary) contrast=true/>
            </div>
            <SelectField field="language" label="Widget language" value=draft.language error=e("language", draft.language) options=&LANGUAGES/>
        </fieldset>
        <VoiceSection draft errors/>
    }
}

/// Every voice agent field: labels as text, numbers as slider + number, colours as pickers.
#[component]
fn VoiceSection(draft: Draft, errors: Errors) -> impl IntoView {
    let any_set = draft.voice.iter().any(|v| !v.read_untracked().is_empty());
    let fields = VOICE_FIELDS
        .iter()
        .zip(draft.voice)
        .map(|(f, value)| {
            let field = format!("voice.{}", f.key);
            let error = errors.for_field(&field, value);
            match f.kind {
                VoiceKind::Text | VoiceKind::Url => EitherOf3::A(view! {
                    <Field field label=f.label value error placeholder=if f.kind == VoiceKind::Url { "https://…" } else { "Default" }/>
                }),
                VoiceKind::Color => EitherOf3::B(view! {
                    <ColorField field label=f.label value error placeholder="Default"/>
                }),
                VoiceKind::Number { min, max, step, default } => EitherOf3::C(view! {
                    <NumberField field label=f.label value error min max step default/>
                }),
            }
        })
        .collect_view();
    view! {
        <details class="group rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" open=any_set data-testid="voice-section">
            <summary class="cursor-pointer rounded-lg p-4 font-semibold sm:px-5">"Voice agent"</summary>
            <p class="px-4 pb-2 text-sm text-slate-600 sm:px-5 dark:text-slate-400">"Optional. Empty fields use the voice widget's defaults."</p>
            <div class="grid gap-x-4 px-4 pb-4 sm:grid-cols-2 sm:px-5">{fields}</div>
        </details>
    }
}

const SUBMIT: &str = "rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
const PAGE_GRID: &str =
    "mt-6 grid gap-8 lg:grid-cols-[minmax(0,1fr)_24rem] xl:grid-cols-[minmax(0,1fr)_28rem]";

/// `/chatbots/new`: the whole page is one island, with its own wasm chunk.
#[island(lazy)]
pub fn NewChatbotPage() -> impl IntoView {
    let create = ServerAction::<CreateChatbot>::new();
    let draft = Draft::new(&ChatbotForm::new_defaults(), None);
    // The slug follows the name while it still holds the last suggestion: once someone types
    // their own (even before the page hydrated), it is theirs.
    Effect::new(move |last: Option<String>| {
        let name = draft.name.get();
        let last = last.unwrap_or_default();
        if draft.slug.get_untracked() != last {
            return last;
        }
        let suggested = if name.trim().is_empty() {
            String::new()
        } else {
            Slug::from_name(&name).into_inner()
        };
        draft.slug.set(suggested.clone());
        suggested
    });
    let current = draft.current();
    let errors = Errors::new(
        current,
        true,
        Signal::derive(move || field_errors(create.value().get())),
    );
    view! {
        <section class="mx-auto max-w-7xl px-4 py-8 sm:px-6">
            <h1 class="text-2xl font-semibold tracking-tight">"New chatbot"</h1>
            <div class=PAGE_GRID>
                // A plain form posting to the server function (it works before the wasm loads);
                // once hydrated, submitting sends the draft itself, already typed and checked.
                <form action=CreateChatbot::url() method="post" class="space-y-6" on:submit=dispatch_on_submit(create, move |_| {
                    errors.ready().then(|| CreateChatbot { input: current.get_untracked() })
                })>
                    <DraftFields
                        draft
                        errors
                        slug_locked=false
                    />
                    <p class="text-sm text-slate-600 dark:text-slate-400">"You can upload an avatar and copy the embed code once the chatbot exists."</p>
                    <p role="alert" class="min-h-5 text-sm text-red-700 dark:text-red-400">{move || banner_text(create.value().get())}</p>
                    <button type="submit" class=SUBMIT disabled=move || create.pending().get()>"Create chatbot"</button>
                </form>
                <Preview look=draft.look()/>
            </div>
        </section>
    }
}

#[derive(leptos::Params, PartialEq, Clone)]
struct ChatbotParams {
    id: Option<String>,
}

/// `/chatbots/{id}`: loads the chatbot on the server, then renders the [`EditForm`] island.
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
        <crate::PreloadIsland island="edit_form"/>
        <Suspense fallback=|| view! { <p class="p-8 text-slate-600">"Loading chatbot…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <div class="m-8"><PageError errors/></div> }>
                {move || Suspend::new(async move {
                    chatbot.await.map(|data| view! { <EditForm data/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// The edit form, avatar, embed card and deletion: one island, with its own wasm chunk; the
/// chatbot arrives as the island's serialized props.
#[island(lazy)]
fn EditForm(data: EditData) -> impl IntoView {
    let update = ServerAction::<UpdateChatbot>::new();
    let delete = ServerAction::<DeleteChatbot>::new();
    let EditData {
        id,
        form,
        avatar,
        script_url,
    } = data;
    let draft = Draft::new(&form, avatar);
    let saved_form = RwSignal::new(form);
    let current = draft.current();
    let errors = Errors::new(
        current,
        false,
        Signal::derive(move || field_errors(update.value().get())),
    );
    let dirty = Memo::new(move |_| *current.read() != *saved_form.read());
    // A successful save makes the draft the saved state.
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            saved_form.set(current.get_untracked());
        }
    });
    let saved = move || matches!(update.value().get(), Some(Ok(()))) && !dirty.get();
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
    let id = StoredValue::new(id);
    let title = format!("Edit {}", saved_form.get_untracked().name);
    let snippet =
        Signal::derive(move || embed_snippet(&script_url, &id.get_value(), &current.read()));
    view! {
        <section class="mx-auto max-w-7xl px-4 py-8 sm:px-6">
            <div class="flex flex-wrap items-center gap-3">
                <h1 class="text-2xl font-semibold tracking-tight">{title}</h1>
                <Show when=move || dirty.get()>
                    <span class="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900" data-testid="unsaved">"Unsaved changes"</span>
                </Show>
            </div>
            <div class=PAGE_GRID>
                <div class="min-w-0">
                    <form action=UpdateChatbot::url() method="post" class="space-y-6" on:submit=dispatch_on_submit(update, move |_| {
                        errors.ready().then(|| UpdateChatbot { id: id.get_value(), input: current.get_untracked() })
                    })>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <DraftFields draft errors slug_locked=true/>
                        <p role="alert" class="min-h-5 text-sm text-red-700 dark:text-red-400">{move || banner_text(update.value().get())}</p>
                        <div class="flex flex-wrap items-center gap-3">
                            <button type="submit" class=SUBMIT disabled=move || update.pending().get()>"Save changes"</button>
                            <div role="status" aria-live="polite" class="min-h-6">
                                <Show when=saved>
                                    <span class="rounded-md bg-emerald-100 px-3 py-1 text-sm font-medium text-emerald-900" data-testid="saved-toast">"Saved"</span>
                                </Show>
                            </div>
                        </div>
                    </form>
                    <AvatarCard id=id.get_value() avatar=draft.avatar/>
                    <EmbedCard snippet/>
                    <div class="mt-10 rounded-lg border border-red-200 p-4 dark:border-red-900">
                        <h2 class="font-semibold text-red-800 dark:text-red-300">"Delete this chatbot"</h2>
                        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">"Its knowledge base, conversations and files are deleted too. This cannot be undone."</p>
                        <Show
                            when=move || confirming.get()
                            fallback=move || view! {
                                <button type="button" class="mt-3 rounded-md border border-red-300 px-4 py-2 text-red-800 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950" on:click=move |_| confirming.set(true)>
                                    "Delete chatbot"
                                </button>
                            }
                        >
                            <form action=DeleteChatbot::url() method="post" class="mt-3 flex flex-wrap items-center gap-2" on:submit=dispatch_on_submit(delete, move |_| {
                                deleting.set(true);
                                Some(DeleteChatbot { id: id.get_value() })
                            })>
                                <input type="hidden" name="id" value=id.get_value()/>
                                <span class="text-sm">"Delete it for good?"</span>
                                <button type="submit" class="rounded-md bg-red-700 px-4 py-2 font-medium text-white hover:bg-red-600">"Delete permanently"</button>
                                <button type="button" class="rounded-md border border-slate-300 px-4 py-2" on:click=move |_| confirming.set(false)>"Cancel"</button>
                            </form>
                        </Show>
                    </div>
                </div>
                <Preview look=draft.look()/>
            </div>
        </section>
    }
}

/// The avatar: the current image, a file picker that uploads at once (showing the chosen
/// image while it travels), and removal.
#[component]
fn AvatarCard(id: String, avatar: RwSignal<Option<String>>) -> impl IntoView {
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
                problem.set(Some("The image is larger than 2 MB.".into()));
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
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, upload);
    };
    let id = StoredValue::new(id);
    view! {
        <section class="mt-10 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-labelledby="avatar-title">
            <h2 id="avatar-title" class="font-semibold">"Avatar"</h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">"Shown beside the chatbot's answers. PNG, JPEG, GIF or WebP, up to 2 MB."</p>
            <div class="mt-3 flex flex-wrap items-center gap-4">
                {move || match avatar.get() {
                    Some(src) => Either::Left(view! {
                        <img src=src alt="Current avatar" class="h-16 w-16 rounded-full border border-slate-200 object-cover dark:border-slate-700" data-testid="avatar-image"/>
                    }),
                    None => Either::Right(view! {
                        <span class="flex h-16 w-16 items-center justify-center rounded-full border border-dashed border-slate-300 text-xs text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="avatar-empty">"None"</span>
                    }),
                }}
                <form on:submit=|ev| ev.prevent_default()>
                    <input type="hidden" name="id" value=id.get_value()/>
                    <label for="avatar-file" class="block text-sm font-medium">"Avatar image"</label>
                    <input
                        id="avatar-file"
                        name="avatar"
                        type="file"
                        accept="image/png,image/jpeg,image/gif,image/webp"
                        class="mt-1 block text-sm file:mr-3 file:rounded-md file:border-0 file:bg-indigo-50 file:px-3 file:py-1.5 file:font-medium file:text-indigo-800 dark:file:bg-slate-800 dark:file:text-slate-100"
                        on:change=on_change
                    />
                </form>
                <Show when=move || avatar.get().is_some()>
                    <form action=RemoveAvatar::url() method="post" on:submit=dispatch_on_submit(remove, move |_| Some(RemoveAvatar { id: id.get_value() }))>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <button type="submit" class="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">"Remove avatar"</button>
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
