"""An account's days (the duty log, the records behind a figure): its posts and messages by
account and day, read from one index instead of all the account's rows."""


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS post_fact_account_day ON post_fact (account_id, day)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS message_fact_account_received_day ON message_fact (account_id, received_day)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS message_fact_account_replied_day ON message_fact (account_id, replied_day)")
