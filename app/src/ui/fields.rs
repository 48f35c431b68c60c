//! Labelled form controls: text, long text with a character count, colour (picker + hex +
//! contrast), slider beside a number field, select and toggle. Every control has a visible
//! label, reports its error through `aria-describedby`, and posts under `input[...]`.

use leptos::either::Either;
use leptos::prelude::*;
use okchat::{contrast, HexColor};

use super::format::{escape_html, group_digits, one_decimal};
use super::keep_typed::{changed_checked, changed_choice, changed_text, keep_typed};

pub const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";
const HINT: &str = "mt-1 text-xs text-slate-600 dark:text-slate-400";
const ERROR: &str = "mt-1 min-h-4 text-sm text-red-700 dark:text-red-400";

/// A field's identity: the form key (`name`, `voice.temperature`) gives the element id, the
/// posted name and the test ids.
#[derive(Clone)]
struct Names {
    id: String,
    name: String,
    error_id: String,
    error_testid: String,
}

impl Names {
    fn of(field: &str) -> Self {
        let dashed = field.replace('.', "-");
        let id = format!("field-{dashed}");
        Self {
            error_id: format!("{id}-error"),
            error_testid: format!("error-{dashed}"),
            name: format!("input[{field}]"),
            id,
        }
    }
}

/// Text for inside a `<textarea>` in the server's HTML: escaped, after the one newline the HTML
/// parser drops there (so a value that starts with a newline keeps it). The text areas are
/// bound to the draft as a property, which never reaches the server's HTML.
fn textarea_html(text: &str) -> String {
    format!("\n{}", escape_html(text))
}

#[component]
fn ErrorText(names: Names, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=names.error_id class=ERROR data-testid=names.error_testid>
            {move || error.get()}
        </p>
    }
}

/// A one-line or multi-line text field.
#[component]
pub fn Field(
    /// The form key (`name`, `voice.agent_id`); ids and names derive from it.
    #[prop(into)]
    field: String,
    label: &'static str,
    value: RwSignal<String>,
    /// The reason the value is refused, if it is.
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(optional_no_strip)] hint: Option<&'static str>,
    /// Rows of a multi-line field (one-line when absent).
    #[prop(optional_no_strip)]
    rows: Option<u32>,
    #[prop(optional)] readonly: bool,
    /// Shows "n / max characters" under the field.
    #[prop(optional_no_strip)]
    max_chars: Option<usize>,
    /// Suggestions offered while typing (a `<datalist>`).
    #[prop(optional_no_strip)]
    suggestions: Option<&'static [&'static str]>,
    #[prop(optional_no_strip)] placeholder: Option<&'static str>,
) -> impl IntoView {
    let names = Names::of(&field);
    keep_typed(&names.id, value, changed_text);
    let list_id = format!("{}-suggestions", names.id);
    let described = format!("{} {}-hint", names.error_id, names.id);
    // `bind:value` sets the property once hydrated; the attribute and the text area's text
    // are what the server's HTML shows (and a form posted before hydration sends).
    let control = match rows {
        Some(rows) => Either::Left(view! {
            <textarea
                id=names.id.clone()
                name=names.name.clone()
                rows=rows
                class=INPUT
                placeholder=placeholder
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described.clone()
                inner_html=textarea_html(&value.read_untracked())
                bind:value=value
            ></textarea>
        }),
        None => Either::Right(view! {
            <input
                id=names.id.clone()
                name=names.name.clone()
                type="text"
                value=value.get_untracked()
                readonly=readonly
                class=INPUT
                placeholder=placeholder
                list=suggestions.map(|_| list_id.clone())
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described.clone()
                bind:value=value
            />
        }),
    };
    let datalist = suggestions.map(|options| {
        view! {
            <datalist id=list_id
                .clone()>
                {options.iter().map(|o| view! { <option value=*o></option> }).collect_view()}
            </datalist>
        }
    });
    let counter = max_chars.map(|max| {
        let count = move || value.read().chars().count();
        view! {
            <span
                class=move || {
                    if count() > max { "font-medium text-red-700 dark:text-red-400" } else { "" }
                }
                data-testid=format!("count-{}", field.replace('.', "-"))
            >
                {move || format!("{} / {} characters", group_digits(count()), group_digits(max))}
            </span>
        }
    });
    view! {
        <div>
            <label for=names.id.clone() class="block text-sm font-medium">
                {label}
            </label>
            {control}
            {datalist}
            <p id=format!("{}-hint", names.id) class=HINT>
                {hint.map(|h| view! { <span>{h} " "</span> })}
                {counter}
            </p>
            <ErrorText names error />
        </div>
    }
}

/// A colour picker beside a hex field. With `contrast`, the WCAG contrast ratio of the
/// widget's text on the colour, with an AA pass or fail.
#[component]
pub fn ColorField(
    #[prop(into)] field: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] contrast: bool,
    /// Shown in the empty hex field (voice colours may stay unset).
    #[prop(optional_no_strip)]
    placeholder: Option<&'static str>,
) -> impl IntoView {
    let names = Names::of(&field);
    keep_typed(&names.id, value, changed_text);
    // The picker needs #rrggbb; #rgb is widened, anything else shows the last good colour.
    let picker_value = move || {
        HexColor::parse(&value.read())
            .map(|c| {
                let (r, g, b) = c.rgb();
                format!("#{r:02x}{g:02x}{b:02x}")
            })
            .unwrap_or_else(|_| "#000000".into())
    };
    let ratio = move || {
        HexColor::parse(&value.read()).ok().map(|c| {
            let (ratio, pass) = contrast::widget_text_contrast(&c);
            (format!("{}:1", one_decimal(ratio)), pass)
        })
    };
    let testid = format!("contrast-{}", field.replace('.', "-"));
    let badge_class = move |pass: bool| {
        if pass {
            "rounded bg-emerald-100 px-2 py-1 text-xs font-medium text-emerald-900"
        } else {
            "rounded bg-amber-100 px-2 py-1 text-xs font-medium text-amber-900"
        }
    };
    let badge = move || {
        let (ratio, pass) = ratio()?;
        let verdict = if pass { "AA pass" } else { "AA fail" };
        Some(view! {
            <span
                class=badge_class(pass)
                data-testid=testid.clone()
                title="WCAG contrast of the widget's text on this colour"
            >
                {ratio}
                " "
                {verdict}
            </span>
        })
    };
    let badge = contrast.then_some(badge);
    view! {
        <div>
            <label for=names.id.clone() class="block text-sm font-medium">
                {label}
            </label>
            <div class="mt-1 flex flex-wrap items-center gap-2">
                <input
                    type="color"
                    // Dimmed while the hex field is empty: the picker cannot show "unset".
                    class=move || {
                        let unset = if value.read().trim().is_empty() { " opacity-30" } else { "" };
                        format!(
                            "h-10 w-12 cursor-pointer rounded border border-slate-300 bg-white p-1 dark:border-slate-700{unset}",
                        )
                    }
                    aria-label=format!(
                        "Color picker for the {}",
                        label.to_ascii_lowercase().replace(" color", ""),
                    )
                    value=picker_value()
                    prop:value=picker_value
                    on:input=move |ev| value.set(event_target_value(&ev).to_ascii_uppercase())
                />
                <input
                    id=names.id.clone()
                    name=names.name.clone()
                    type="text"
                    placeholder=placeholder
                    value=value.get_untracked()
                    class="block w-32 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono dark:border-slate-700 dark:bg-slate-900"
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=names.error_id.clone()
                    bind:value=value
                />
                {badge}
            </div>
            <ErrorText names error />
        </div>
    }
}

/// A slider beside a number field, both editing one value within `min..=max`. Empty means
/// unset: the slider then rests on `default`, which the placeholder names.
#[component]
pub fn NumberField(
    #[prop(into)] field: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    min: &'static str,
    max: &'static str,
    step: &'static str,
    default: &'static str,
) -> impl IntoView {
    let names = Names::of(&field);
    keep_typed(&names.id, value, changed_text);
    let slider_value = move || {
        let v = value.read();
        if v.trim().is_empty() {
            default.to_owned()
        } else {
            v.clone()
        }
    };
    view! {
        <div>
            <label for=names.id.clone() class="block text-sm font-medium">
                {label}
            </label>
            <div class="mt-1 flex items-center gap-3">
                <input
                    type="range"
                    class="h-2 min-w-0 flex-1 cursor-pointer accent-indigo-600"
                    min=min
                    max=max
                    step=step
                    aria-label=format!("{label} slider")
                    value=slider_value()
                    prop:value=slider_value
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                <input
                    id=names.id.clone()
                    name=names.name.clone()
                    type="number"
                    inputmode="decimal"
                    min=min
                    max=max
                    step=step
                    placeholder=default
                    value=value.get_untracked()
                    class="block w-28 rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=names.error_id.clone()
                    bind:value=value
                />
            </div>
            <p class=HINT>{format!("{min} to {max}; empty uses {default}.")}</p>
            <ErrorText names error />
        </div>
    }
}

/// A labelled select.
#[component]
pub fn SelectField(
    #[prop(into)] field: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    /// (value, text) pairs; the current value is added when it is not among them.
    options: &'static [(&'static str, &'static str)],
) -> impl IntoView {
    let names = Names::of(&field);
    let current = value.get_untracked();
    keep_typed(&names.id, value, |el| changed_choice(el, &current));
    let extra = (!options.iter().any(|(v, _)| *v == current)).then(|| {
        view! { <option value=current.clone()>{current.clone()}</option> }
    });
    view! {
        <div>
            <label for=names.id.clone() class="block text-sm font-medium">
                {label}
            </label>
            <select
                id=names.id.clone()
                name=names.name.clone()
                class=INPUT
                aria-describedby=names.error_id.clone()
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {extra}
                {options
                    .iter()
                    .map(|(v, text)| {
                        let v = *v;
                        view! {
                            <option value=v selected=move || value.read().as_str() == v>
                                {*text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <ErrorText names error />
        </div>
    }
}

/// A checkbox with its label and an explanation. Its value is text like every form value:
/// `"on"` when ticked (what a browser posts for it), empty when not.
#[component]
pub fn Toggle(
    #[prop(into)] field: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional_no_strip)] hint: Option<&'static str>,
) -> impl IntoView {
    let names = Names::of(&field);
    keep_typed(&names.id, value, |el| {
        changed_checked(el).map(|on| if on { "on" } else { "" }.to_owned())
    });
    let hint_id = format!("{}-hint", names.id);
    let checked = move || *value.read() == "on";
    view! {
        <div class="flex items-start gap-3 py-2">
            <input
                id=names.id.clone()
                type="checkbox"
                name=names.name
                checked=checked()
                prop:checked=checked
                on:change=move |ev| {
                    value.set(if event_target_checked(&ev) { "on" } else { "" }.to_owned())
                }
                class="mt-1 h-4 w-4 accent-indigo-600"
                aria-describedby=hint_id.clone()
            />
            <div>
                <label for=names.id class="text-sm font-medium">
                    {label}
                </label>
                {hint
                    .map(|h| {
                        view! {
                            <p id=hint_id.clone() class=HINT>
                                {h}
                            </p>
                        }
                    })}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_form_key() {
        let n = Names::of("voice.temperature");
        assert_eq!(n.id, "field-voice-temperature");
        assert_eq!(n.name, "input[voice.temperature]");
        assert_eq!(n.error_testid, "error-voice-temperature");
        let n = Names::of("primary_color");
        assert_eq!(n.name, "input[primary_color]");
    }

    #[test]
    fn textarea_html_keeps_the_text_exactly() {
        assert_eq!(textarea_html("a < b & c > d"), "\na &lt; b &amp; c &gt; d");
        assert_eq!(
            textarea_html("</textarea><script>"),
            "\n&lt;/textarea&gt;&lt;script&gt;"
        );
        assert_eq!(
            textarea_html("\nstarts with a newline"),
            "\n\nstarts with a newline"
        );
        assert_eq!(textarea_html(""), "\n");
    }
}
