-- Who is writing the answer to a visitor's turn, and until when unless renewed: a turn sent
-- again (under its `messages[].id`) while its answer is being written waits for that answer
-- instead of getting a second one; a lease that runs out (its instance died) lets the next
-- send of the turn answer it.
create table chat_answer_lease (
    message_id text primary key references chat_message (id) on delete cascade,
    holder     text not null,
    held_until text collate "C" not null
);
