//! Where each schema field sits in the chatbot form: sections, and pairs side by side on wide
//! screens. What a field is (label, kind, hint) comes from the schema.

use leptos::either::EitherOf6;
use leptos::prelude::*;

use super::draft::{Draft, Errors};
use super::schema::{self, Kind, Saves, FIELDS};
use crate::ui::fields::{ColorField, Field, NumberField, SelectField, Toggle};

const SECTION: &str = "space-y-2 rounded-lg border border-slate-200 bg-white p-4 sm:p-5 dark:border-slate-800 dark:bg-slate-900";
const LEGEND: &str = "px-1 text-base font-semibold";
const PAIR: &str = "grid gap-x-4 sm:grid-cols-2";

/// The control for one schema field. `readonly` fields are shown, not edited.
fn control(
    key: &'static str,
    draft: Draft,
    errors: Errors,
    readonly: bool,
    hint: Option<&'static str>,
) -> impl IntoView {
    let f = schema::spec(key).unwrap_or_else(|| panic!("no chatbot field {key:?}"));
    let value = draft.field(key);
    let error = errors.for_field(key, value);
    let hint = hint.unwrap_or(f.hint);
    let hint = (!hint.is_empty()).then_some(hint);
    let placeholder = (!f.placeholder.is_empty()).then_some(f.placeholder);
    match f.kind {
        Kind::Line { suggestions } => EitherOf6::A(view! {
            <Field
                field=key
                label=f.label
                value
                error
                hint
                placeholder
                readonly
                suggestions=(!suggestions.is_empty()).then_some(suggestions)
            />
        }),
        Kind::Long { rows, max } => EitherOf6::B(view! {
            <Field
                field=key
                label=f.label
                value
                error
                hint
                placeholder
                rows=Some(rows)
                max_chars=Some(max)
            />
        }),
        Kind::Color { contrast } => EitherOf6::C(
            view! { <ColorField field=key label=f.label value error contrast placeholder /> },
        ),
        Kind::Number {
            min,
            max,
            step,
            default,
        } => EitherOf6::D(
            view! { <NumberField field=key label=f.label value error min max step default /> },
        ),
        Kind::Select(options) => {
            EitherOf6::E(view! { <SelectField field=key label=f.label value error options /> })
        }
        Kind::Toggle => EitherOf6::F(view! { <Toggle field=key label=f.label value hint /> }),
    }
}

#[component]
pub fn DraftFields(
    draft: Draft,
    errors: Errors,
    /// Edit forms show the slug read-only: the API never changes it.
    slug_locked: bool,
) -> impl IntoView {
    let input = move |key| control(key, draft, errors, false, None);
    let slug_hint = slug_locked.then_some("The slug cannot change after creation.");
    view! {
        <fieldset class=SECTION>
            <legend class=LEGEND>"Basics"</legend>
            {input("name")}
            {control("slug", draft, errors, slug_locked, slug_hint)}
            {input("description")}
            {input("is_public")}
        </fieldset>
        <fieldset class=SECTION>
            <legend class=LEGEND>"Behaviour"</legend>
            {input("model")}
            <div class=PAIR>{input("tone")} {input("style")}</div>
            {input("prompt")}
            {input("greeting")}
            {input("is_tool_enabled")}
            {input("is_request_user_info_enabled")}
        </fieldset>
        <fieldset class=SECTION>
            <legend class=LEGEND>"Chat widget"</legend>
            <div class=PAIR>{input("header")} {input("widget_name")}</div>
            {input("slogan")}
            {input("logo")}
            <div class=PAIR>{input("primary_color")} {input("secondary_color")}</div>
            {input("language")}
            {input("allowed_origins")}
            {input("show_sources")}
        </fieldset>
        <VoiceSection draft errors />
    }
}

/// Every voice agent field, in schema order: labels as text, numbers as slider + number,
/// colours as pickers. Open when any is set.
#[component]
fn VoiceSection(draft: Draft, errors: Errors) -> impl IntoView {
    let voice = || FIELDS.iter().filter(|f| f.saves == Saves::VoiceAgent);
    let any_set = voice().any(|f| !draft.field(f.key).read_untracked().is_empty());
    let fields = voice()
        .map(|f| control(f.key, draft, errors, false, None))
        .collect_view();
    view! {
        <details
            class="group rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
            open=any_set
            data-testid="voice-section"
        >
            <summary class="cursor-pointer rounded-lg p-4 font-semibold sm:px-5">
                "Voice agent"
            </summary>
            <p class="px-4 pb-2 text-sm text-slate-600 sm:px-5 dark:text-slate-400">
                "Optional. Empty fields use the voice widget's defaults."
            </p>
            <div class="grid gap-x-4 px-4 pb-4 sm:grid-cols-2 sm:px-5">{fields}</div>
        </details>
    }
}
