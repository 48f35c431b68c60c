//! The chat widget: launcher bubble and open panel. The console's live preview and the widget
//! embedded on customers' sites render this one component, from a `WidgetLook`.

use leptos::either::Either;
use leptos::prelude::*;
use okchat::contrast;
use okchat::HexColor;

/// Everything the widget's appearance depends on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WidgetLook {
    pub name: String,
    pub header: String,
    pub slogan: String,
    pub logo: String,
    pub primary_color: String,
    pub secondary_color: String,
    pub greeting: String,
    /// The chatbot's avatar, beside its answers; empty shows none.
    pub avatar: String,
}

/// `color` if it is a valid hex colour, else `fallback`: a half-typed colour must not blank
/// the preview.
fn usable(color: &str, fallback: &str) -> String {
    HexColor::parse(color)
        .map(|c| c.as_str().to_owned())
        .unwrap_or_else(|_| fallback.to_owned())
}

fn text_on(color: &str) -> &'static str {
    HexColor::parse(color)
        .map(|c| contrast::text_on(&c))
        .unwrap_or(contrast::LIGHT_TEXT)
}

/// The inline style painting an element in `color` with the text colour that reads on it.
fn fill(color: &str) -> String {
    format!("background-color: {color}; color: {}", text_on(color))
}

/// The first letter of the name, shown when there is no logo.
fn initial(name: &str) -> String {
    name.trim()
        .chars()
        .next()
        .map(|c| crate::case::uppercase(c.encode_utf8(&mut [0; 4])))
        .unwrap_or_else(|| "?".into())
}

/// The chat widget drawn from `look`. `open` shows the panel above the launcher.
#[component]
pub fn ChatWidget(
    /// The widget's appearance; every change repaints at once.
    #[prop(into)]
    look: Signal<WidgetLook>,
    /// Whether the chat panel is open.
    #[prop(into)]
    open: Signal<bool>,
) -> impl IntoView {
    // Each colour becomes its style once per change; several elements paint with it.
    let primary_fill = Memo::new(move |_| {
        fill(&usable(
            &look.read().primary_color,
            okchat::defaults::PRIMARY_COLOR,
        ))
    });
    let secondary_fill = Memo::new(move |_| {
        fill(&usable(
            &look.read().secondary_color,
            okchat::defaults::SECONDARY_COLOR,
        ))
    });
    let logo = move || {
        let look = look.read();
        if look.logo.trim().is_empty() {
            Either::Left(view! {
                <span
                    data-testid="widget-logo"
                    class="flex h-9 w-9 items-center justify-center rounded-full bg-white/25 text-sm font-bold"
                    aria-hidden="true"
                >
                    {initial(&look.name)}
                </span>
            })
        } else {
            Either::Right(view! {
                <img
                    data-testid="widget-logo"
                    src=look.logo.clone()
                    alt=""
                    class="h-9 w-9 rounded-full bg-white object-cover"
                />
            })
        }
    };
    // The avatar beside each answer, when the chatbot has one.
    let bot_avatar = move || {
        let src = look.read().avatar.clone();
        (!src.is_empty()).then(|| {
            view! {
                <img src=src alt="" data-testid="widget-avatar" class="h-6 w-6 shrink-0 rounded-full object-cover"/>
            }
        })
    };
    view! {
        <div data-testid="widget-preview" class="flex max-w-full min-w-0 flex-col items-end gap-3 font-sans">
            <Show when=move || open.get()>
                <div
                    class="flex w-80 max-w-full flex-col overflow-hidden rounded-2xl border border-slate-200 bg-white text-slate-900 shadow-xl"
                    role="group"
                    aria-label="Chat widget preview"
                >
                    <div data-testid="widget-header" class="flex items-center gap-3 px-4 py-3" style=move || primary_fill.get()>
                        {logo}
                        <div class="min-w-0">
                            <p class="truncate font-semibold" data-testid="widget-header-text">
                                {move || look.read().header.clone()}
                            </p>
                            <p class="truncate text-xs opacity-90" data-testid="widget-slogan">
                                {move || look.read().slogan.clone()}
                            </p>
                        </div>
                    </div>
                    <div class="flex flex-col gap-2 bg-slate-50 px-4 py-4 text-sm">
                        <p class="text-xs font-medium text-slate-600" data-testid="widget-name">
                            {move || look.read().name.clone()}
                        </p>
                        <div class="flex items-end gap-2 self-start">
                            {bot_avatar}
                            <p class="max-w-[85%] rounded-2xl rounded-tl-sm bg-white px-3 py-2 shadow-sm" data-testid="widget-greeting">
                                {move || look.read().greeting.clone()}
                            </p>
                        </div>
                        <p class="max-w-[85%] self-end rounded-2xl rounded-tr-sm px-3 py-2" style=move || secondary_fill.get()>
                            "What are your opening hours?"
                        </p>
                        <div class="flex items-end gap-2 self-start">
                            {bot_avatar}
                            <p class="max-w-[85%] rounded-2xl rounded-tl-sm bg-white px-3 py-2 shadow-sm">
                                "We're open Monday to Friday, 9:00 to 18:00."
                            </p>
                        </div>
                    </div>
                    <div class="flex items-center gap-2 border-t border-slate-200 px-3 py-2">
                        <span class="flex-1 truncate text-sm text-slate-500">"Type your message…"</span>
                        <span class="rounded-full px-3 py-1 text-xs font-medium" style=move || primary_fill.get()>"Send"</span>
                    </div>
                </div>
            </Show>
            <span
                data-testid="widget-launcher"
                class="flex h-14 w-14 items-center justify-center rounded-full shadow-lg"
                style=move || primary_fill.get()
                role="img"
                aria-label="Chat launcher"
            >
                <svg viewBox="0 0 24 24" class="h-7 w-7" fill="currentColor" aria-hidden="true">
                    <path d="M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/>
                </svg>
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_typed_colours_fall_back_and_initials_are_shown() {
        assert_eq!(usable("#12", "#4F46E5"), "#4F46E5");
        assert_eq!(usable("#123456", "#4F46E5"), "#123456");
        assert_eq!(initial("  support"), "S");
        assert_eq!(initial(""), "?");
    }
}
