//! The form's state in the browser: one signal per schema field, the values it adds up to,
//! the widget look it paints, and the field errors shown beside the controls.

use leptos::prelude::*;

use super::schema::{self, FieldErrors, Values, FIELDS, FIELD_COUNT};
use crate::widget::look::or_name;
use crate::widget::WidgetLook;

#[derive(Clone, Copy)]
pub struct Draft {
    /// One per [`FIELDS`] entry, in order.
    values: [RwSignal<String>; FIELD_COUNT],
    /// The uploaded avatar, shown in the preview (saved on its own, not by the form).
    pub avatar: RwSignal<Option<String>>,
}

impl Draft {
    pub fn new(values: &Values, avatar: Option<String>) -> Self {
        Self {
            values: std::array::from_fn(|i| {
                RwSignal::new(values.get(FIELDS[i].key).cloned().unwrap_or_default())
            }),
            avatar: RwSignal::new(avatar),
        }
    }

    /// The signal of the field `key`.
    pub fn field(&self, key: &str) -> RwSignal<String> {
        self.values[schema::index(key)]
    }

    /// The draft's values, recomputed once per change: the checks, the unsaved state and the
    /// preview all read this one memo.
    pub fn current(self) -> Memo<Values> {
        Memo::new(move |_| {
            FIELDS
                .iter()
                .zip(self.values)
                .map(|(f, v)| (f.key.to_owned(), v.get()))
                .collect()
        })
    }

    /// Sets the fields `values` names (a restored version, another person's saved change).
    pub fn set(&self, values: &Values) {
        for (key, value) in values {
            if let Some(i) = FIELDS.iter().position(|f| f.key == key) {
                if self.values[i].get_untracked() != *value {
                    self.values[i].set(value.clone());
                }
            }
        }
    }

    /// The widget as these values paint it.
    pub fn look(self) -> Signal<WidgetLook> {
        // A memo: the widget's many bindings read it, and each read must not rebuild it.
        Memo::new(move |_| look_from(|key| self.field(key).get(), self.avatar.get())).into()
    }
}

/// The widget as a chatbot's values (read through `get`) paint it; empty header and widget
/// name show the name.
pub fn look_from(get: impl Fn(&str) -> String, avatar: Option<String>) -> WidgetLook {
    let or_name = |key: &str| or_name(&get(key), &get("name")).to_owned();
    WidgetLook {
        name: or_name("widget_name"),
        header: or_name("header"),
        slogan: get("slogan"),
        logo: get("logo"),
        primary_color: get("primary_color"),
        secondary_color: get("secondary_color"),
        greeting: get("greeting"),
        avatar: avatar.unwrap_or_default(),
    }
}

/// Field errors: okchat's rules on the draft (shown once a field has content or after a
/// submit attempt), else what the server answered.
#[derive(Clone, Copy)]
pub struct Errors {
    local: Memo<FieldErrors>,
    server: Signal<FieldErrors>,
    submitted: RwSignal<bool>,
}

impl Errors {
    pub fn new(values: Memo<Values>, create: bool, server: Signal<FieldErrors>) -> Self {
        Self {
            local: Memo::new(move |_| schema::errors(&values.read(), create)),
            server,
            submitted: RwSignal::new(false),
        }
    }

    pub fn for_field(self, key: &'static str, value: RwSignal<String>) -> Signal<Option<String>> {
        Signal::derive(move || {
            let shown = self.submitted.get() || !value.read().is_empty();
            self.local
                .read()
                .get(key)
                .cloned()
                .filter(|_| shown)
                .or_else(|| self.server.read().get(key).cloned())
        })
    }

    /// After a refused submit: one line pointing at the messages beside the fields.
    pub fn summary(self) -> Option<String> {
        (self.submitted.get() && !self.local.read().is_empty())
            .then(|| "Some fields need attention; see the messages beside them.".to_owned())
    }

    /// On submit: from now on every error shows; true when the draft passes the rules and
    /// may be sent.
    pub fn ready(self) -> bool {
        self.submitted.set(true);
        self.local.read_untracked().is_empty()
    }
}
