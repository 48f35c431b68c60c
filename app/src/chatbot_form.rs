//! Creating a chatbot: the form, validated in the browser with okchat's rules on every
//! keystroke and again by the API, beside the live widget preview drawn from the draft.

use std::collections::BTreeMap;

use leptos::form::ActionForm;
use leptos::prelude::*;
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

#[component]
pub fn NewChatbotPage() -> impl IntoView {
    let create = ServerAction::<CreateChatbot>::new();
    let name = RwSignal::new(String::new());
    let slug = RwSignal::new(String::new());
    let slug_edited = RwSignal::new(false);
    let description = RwSignal::new(String::new());
    let header = RwSignal::new(String::new());
    let widget_name = RwSignal::new(String::new());
    let slogan = RwSignal::new(defaults::SLOGAN.to_owned());
    let logo = RwSignal::new(String::new());
    let primary = RwSignal::new(defaults::PRIMARY_COLOR.to_owned());
    let secondary = RwSignal::new(defaults::SECONDARY_COLOR.to_owned());
    let greeting = RwSignal::new(defaults::GREETING.to_owned());
    let is_public = RwSignal::new(false);
    let submitted = RwSignal::new(false);

    // The slug follows the name until someone edits it.
    Effect::new(move |_| {
        let suggested = if name.read().trim().is_empty() {
            String::new()
        } else {
            Slug::from_name(&name.read()).into_inner()
        };
        if !slug_edited.get_untracked() {
            slug.set(suggested);
        }
    });

    let draft = move || ChatbotForm {
        name: name.get(),
        slug: slug.get(),
        description: description.get(),
        header: header.get(),
        widget_name: widget_name.get(),
        slogan: slogan.get(),
        logo: logo.get(),
        primary_color: primary.get(),
        secondary_color: secondary.get(),
        greeting: greeting.get(),
        is_public: is_public.get().then(|| "on".into()),
    };
    let local_errors = Memo::new(move |_| match draft().to_create().validate() {
        Ok(()) => BTreeMap::new(),
        Err(errors) => errors.0,
    });
    let server_errors = move || match create.value().get() {
        Some(Err(AppError::Validation { fields, .. })) => fields,
        _ => BTreeMap::new(),
    };
    let banner = move || match create.value().get() {
        Some(Err(AppError::Validation { fields, .. })) if !fields.is_empty() => None,
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    // A field's error shows once it has content or after a submit attempt.
    let error_for = move |field: &'static str, value: RwSignal<String>| {
        Signal::derive(move || {
            let path = path_of(field);
            let local = local_errors.read().get(path).cloned();
            let shown = submitted.get() || !value.read().is_empty();
            local
                .filter(|_| shown)
                .or_else(|| server_errors().get(path).cloned())
        })
    };

    let look = Signal::derive(move || WidgetLook {
        name: if widget_name.read().is_empty() {
            name.get()
        } else {
            widget_name.get()
        },
        header: if header.read().is_empty() {
            name.get()
        } else {
            header.get()
        },
        slogan: slogan.get(),
        logo: logo.get(),
        primary_color: primary.get(),
        secondary_color: secondary.get(),
        greeting: greeting.get(),
    });

    view! {
        <section class="mx-auto max-w-6xl px-4 py-8 sm:px-6">
            <h1 class="text-2xl font-semibold tracking-tight">"New chatbot"</h1>
            <div class="mt-6 grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
                <ActionForm
                    action=create
                    attr:class="space-y-2"
                    on:submit:capture=move |ev| {
                        submitted.set(true);
                        if !local_errors.read_untracked().is_empty() {
                            ev.prevent_default();
                        }
                    }
                >
                    {view! {
                    <Field field="name" label="Name" value=name error=error_for("name", name)/>
                    <div on:input=move |_| slug_edited.set(true)>
                        <Field
                            field="slug"
                            label="Slug"
                            value=slug
                            error=error_for("slug", slug)
                            hint="Lowercase letters, digits and dashes; suggested from the name."
                        />
                    </div>
                    <Field field="description" label="Description" value=description error=error_for("description", description) multiline=true/>
                    <div class="flex items-center gap-2 py-2">
                        <input id="field-is_public" type="checkbox" name="input[is_public]" bind:checked=is_public class="h-4 w-4"/>
                        <label for="field-is_public" class="text-sm font-medium">"Public (anyone with the embed code can chat)"</label>
                    </div>
                    <h2 class="pt-4 text-lg font-semibold">"Chat widget"</h2>
                    <Field field="header" label="Header" value=header error=error_for("header", header)/>
                    <Field field="widget_name" label="Widget name" value=widget_name error=error_for("widget_name", widget_name)/>
                    <Field field="slogan" label="Slogan" value=slogan error=error_for("slogan", slogan)/>
                    <Field field="logo" label="Logo URL" value=logo error=error_for("logo", logo) hint="An https:// image URL."/>
                    <ColorField field="primary_color" label="Primary color" value=primary error=error_for("primary_color", primary)/>
                    <ColorField field="secondary_color" label="Secondary color" value=secondary error=error_for("secondary_color", secondary)/>
                    <Field field="greeting" label="Greeting" value=greeting error=error_for("greeting", greeting) multiline=true/>
                    <p role="alert" class="min-h-5 text-sm text-red-700 dark:text-red-400">{banner}</p>
                    <button
                        type="submit"
                        class="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
                        disabled=move || create.pending().get()
                    >
                        "Create chatbot"
                    </button>
                    }.into_any()}
                </ActionForm>
                <aside class="lg:sticky lg:top-6 lg:self-start">
                    <h2 class="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">"Live preview"</h2>
                    <div class="rounded-xl border border-slate-200 bg-slate-100 p-4 dark:border-slate-800 dark:bg-slate-800">
                        <ChatWidget look open=Signal::stored(true)/>
                    </div>
                </aside>
            </div>
        </section>
    }
    .into_any()
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
}
