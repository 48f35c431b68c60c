-- What each version changed, as a JSON array of dot-joined leaf paths, computed when the version
-- is written (a diff needs the previous snapshot, which is at hand only then). Versions written
-- before this column existed say nothing: `[]`.
alter table chatbot_version add column changed text not null default '[]';
