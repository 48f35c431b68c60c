-- The embeddable widget: whether it lists the documents an answer drew on (off by default).
alter table chatbot add column show_sources integer not null default 0;
