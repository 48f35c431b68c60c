-- The embeddable widget: the sites a chatbot's widget may run on (a JSON array of origins;
-- empty allows every site).
alter table chatbot add column allowed_origins text not null default '[]';
