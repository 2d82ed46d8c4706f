"""The transfers' and the notices' lists sort by their times (`sort`): each order, either way,
read along an index ending on the id instead of sorting every row in sight."""


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS transfer_sent_at_id ON transfer (sent_at, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS transfer_answered_at_id ON transfer (answered_at, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS problem_notice_issued_at_id ON problem_notice (issued_at, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS problem_notice_replied_at_id ON problem_notice (replied_at, id)")
