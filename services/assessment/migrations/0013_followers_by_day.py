"""The followers' history at a city's size: newest day first across every account in sight, a
page at a time, read along an index of (day, account) instead of sorting the window's rows."""


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS follower_count_day_account ON follower_count (day, account_id)")
