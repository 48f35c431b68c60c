//! The settings history: every save recorded a version; this lists them (when, which fields
//! changed), shows one beside the current values, and restores it as a new version.

use leptos::either::Either;
use leptos::prelude::*;

use super::schema::{Kind, Values, FIELDS};
use super::server_fns::{list_history, restore_version, version_values, HistoryPage, Saved};
use crate::ui::format::short_timestamp;

const SMALL_BUTTON: &str = "rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800";

/// One field that differs between a version and the form now.
#[derive(Clone)]
struct Difference {
    label: &'static str,
    toggle: bool,
    then: String,
    now: String,
}

fn differences(then: &Values, now: &Values) -> Vec<Difference> {
    FIELDS
        .iter()
        .filter_map(|f| {
            let (a, b) = (then.get(f.key)?, now.get(f.key)?);
            (a != b).then(|| Difference {
                label: f.label,
                toggle: f.kind == Kind::Toggle,
                then: a.clone(),
                now: b.clone(),
            })
        })
        .collect()
}

/// How a value reads in the comparison: toggles as words, empty as a dash.
fn shown(value: &str, key_is_toggle: bool) -> String {
    match (value, key_is_toggle) {
        ("on", true) => "On".into(),
        (_, true) => "Off".into(),
        ("", false) => "—".into(),
        (v, false) => v.to_owned(),
    }
}

#[component]
pub fn History(
    id: String,
    /// The form's values now, to compare a version with.
    current: Memo<Values>,
    /// Changes with every stored save, so the list reloads.
    saves: RwSignal<u32>,
    /// Whether the form has unsaved changes (restoring discards them, so it asks first).
    dirty: Memo<bool>,
    on_restored: Callback<Saved>,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let open = RwSignal::new(false);
    let pages = RwSignal::new(Vec::<HistoryPage>::new());
    let load = Action::new(move |page: &u32| list_history(id.get_value(), *page));
    let compare = Action::new(move |version: &String| {
        let version = version.clone();
        async move {
            let values = version_values(id.get_value(), version.clone()).await;
            (version, values)
        }
    });
    let restore =
        Action::new(move |version: &String| restore_version(id.get_value(), version.clone()));
    let confirming = RwSignal::new(None::<String>);
    // Opening the panel, and every save while it is open, loads the newest page again.
    Effect::new(move |_| {
        saves.track();
        if open.get() {
            pages.set(Vec::new());
            load.dispatch(1);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = load.value().get() {
            pages.update(|pages| {
                pages.retain(|p| p.page != page.page);
                pages.push(page);
                pages.sort_by_key(|p| p.page);
            });
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(saved)) = restore.value().get() {
            confirming.set(None);
            on_restored.run(saved);
        }
    });
    let rows = move || {
        pages
            .get()
            .into_iter()
            .flat_map(|p| p.rows)
            .collect::<Vec<_>>()
    };
    let newest = move || rows().first().map(|r| r.id.clone());
    let has_more = move || pages.get().last().is_some_and(|p| p.has_more);
    let error = move || {
        [
            load.value().get().and_then(Result::err),
            restore.value().get().and_then(Result::err),
            compare.value().get().and_then(|(_, r)| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| e.to_string())
    };
    let comparison = move || {
        let (version, values) = compare.value().get()?;
        let values = values.ok()?;
        Some((version, differences(&values, &current.get())))
    };
    let row = move |row: super::server_fns::VersionRow| {
        let version = StoredValue::new(row.id.clone());
        let is_newest = newest().as_deref() == Some(row.id.as_str());
        let is_oldest = !has_more() && rows().last().is_some_and(|last| last.id == row.id);
        // Versions recorded before chatdeck kept what each save changed have no list either.
        let what = match (row.changed.is_empty(), is_oldest) {
            (true, true) => "Created".to_owned(),
            (true, false) => "Changes not recorded".to_owned(),
            (false, _) => row.changed.join(", "),
        };
        view! {
            <li class="flex flex-wrap items-center gap-x-3 gap-y-1 py-2" data-testid="history-row">
                <time
                    class="w-40 shrink-0 text-sm text-slate-600 tabular-nums dark:text-slate-400"
                    datetime=row.created_at.clone()
                >
                    {short_timestamp(&row.created_at)}
                </time>
                <span class="min-w-0 flex-1 text-sm">{what}</span>
                {if is_newest {
                    Either::Left(
                        view! {
                            <span class="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900">
                                "Current"
                            </span>
                        },
                    )
                } else {
                    Either::Right(
                        view! {
                            <span class="flex gap-2">
                                <button
                                    type="button"
                                    class=SMALL_BUTTON
                                    on:click=move |_| {
                                        compare.dispatch(version.get_value());
                                    }
                                >
                                    "Compare"
                                </button>
                                <button
                                    type="button"
                                    class=SMALL_BUTTON
                                    disabled=move || restore.pending().get()
                                    on:click=move |_| {
                                        if dirty.get_untracked() {
                                            confirming.set(Some(version.get_value()));
                                        } else {
                                            restore.dispatch(version.get_value());
                                        }
                                    }
                                >
                                    "Restore"
                                </button>
                            </span>
                        },
                    )
                }}
            </li>
        }
    };
    view! {
        <details
            class="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
            data-testid="history"
            on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())
        >
            <summary class="cursor-pointer rounded-lg p-4 font-semibold">"History"</summary>
            <div class="px-4 pb-4">
                <p class="text-sm text-slate-600 dark:text-slate-400">
                    "Every save is kept. Restoring a version saves its settings again as the newest one."
                </p>
                <Show when=move || load.pending().get() && pages.read().is_empty()>
                    <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">
                        "Loading history…"
                    </p>
                </Show>
                <ol class="mt-2 divide-y divide-slate-200 dark:divide-slate-800">
                    <For each=rows key=|r| r.id.clone() children=row />
                </ol>
                <Show when=has_more>
                    <button
                        type="button"
                        class=format!("mt-2 {SMALL_BUTTON}")
                        disabled=move || load.pending().get()
                        on:click=move |_| {
                            let next = pages.read_untracked().last().map_or(1, |p| p.page + 1);
                            load.dispatch(next);
                        }
                    >
                        "Show older"
                    </button>
                </Show>
                {move || {
                    confirming
                        .get()
                        .map(|version| {
                            let version = StoredValue::new(version);
                            view! {
                                <div
                                    role="alert"
                                    class="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
                                >
                                    <p>"Restoring replaces your unsaved changes in the form."</p>
                                    <div class="mt-2 flex gap-2">
                                        <button
                                            type="button"
                                            class=SMALL_BUTTON
                                            on:click=move |_| {
                                                restore.dispatch(version.get_value());
                                            }
                                        >
                                            "Restore anyway"
                                        </button>
                                        <button
                                            type="button"
                                            class=SMALL_BUTTON
                                            on:click=move |_| confirming.set(None)
                                        >
                                            "Keep editing"
                                        </button>
                                    </div>
                                </div>
                            }
                        })
                }}
                {move || {
                    comparison()
                        .map(|(version, diffs)| {
                            let when = rows()
                                .into_iter()
                                .find(|r| r.id == version)
                                .map(|r| short_timestamp(&r.created_at))
                                .unwrap_or_default();
                            view! {
                                <div class="mt-4 overflow-x-auto" data-testid="history-compare">
                                    <h3 class="text-sm font-semibold">
                                        {format!("The version of {when} beside the form now")}
                                    </h3>
                                    {if diffs.is_empty() {
                                        Either::Left(
                                            view! {
                                                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                                                    "No difference in the form's fields."
                                                </p>
                                            },
                                        )
                                    } else {
                                        Either::Right(
                                            view! {
                                                <table class="mt-2 w-full text-left text-sm">
                                                    <thead class="text-xs uppercase tracking-wide text-slate-600 dark:text-slate-400">
                                                        <tr>
                                                            <th scope="col" class="py-1 pr-3">
                                                                "Field"
                                                            </th>
                                                            <th scope="col" class="py-1 pr-3">
                                                                "That version"
                                                            </th>
                                                            <th scope="col" class="py-1">
                                                                "Now"
                                                            </th>
                                                        </tr>
                                                    </thead>
                                                    <tbody>
                                                        {diffs
                                                            .into_iter()
                                                            .map(|d| {
                                                                let toggle = d.toggle;
                                                                view! {
                                                                    <tr class="border-t border-slate-200 align-top dark:border-slate-800">
                                                                        <th scope="row" class="py-1 pr-3 font-medium">
                                                                            {d.label}
                                                                        </th>
                                                                        <td class="max-w-xs py-1 pr-3 break-words">
                                                                            {shown(&d.then, toggle)}
                                                                        </td>
                                                                        <td class="max-w-xs py-1 break-words">
                                                                            {shown(&d.now, toggle)}
                                                                        </td>
                                                                    </tr>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </tbody>
                                                </table>
                                            },
                                        )
                                    }}
                                </div>
                            }
                        })
                }}
                <p role="alert" class="mt-2 text-sm text-red-700 empty:hidden dark:text-red-400">
                    {error}
                </p>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_compared_field_by_field() {
        let then = Values::from([
            ("name".to_owned(), "Old".to_owned()),
            ("slogan".to_owned(), "Hi".to_owned()),
        ]);
        let now = Values::from([
            ("name".to_owned(), "New".to_owned()),
            ("slogan".to_owned(), "Hi".to_owned()),
        ]);
        let found = differences(&then, &now);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].label, found[0].then.as_str()), ("Name", "Old"));
        assert_eq!(shown("on", true), "On");
        assert_eq!(shown("", false), "—");
    }
}
