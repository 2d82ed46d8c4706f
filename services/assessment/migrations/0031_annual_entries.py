"""The annual 年度报表's figures the product does not record (征集调查, 访谈, 智能问答, 安全检测评估),
entered per year and unit (0: the city), issue 18."""
import datetime as dt

from peewee import BooleanField, CharField, DateTimeField, IntegerField, Model


def up(migrator, db):
    class AnnualEntry(Model):
        year = IntegerField()
        unit_id = IntegerField()
        surveys = IntegerField()
        interviews = IntegerField()
        smart_qa = BooleanField()
        security_assessments = IntegerField()
        entered_by = CharField(max_length=50)
        entered_at = DateTimeField(default=dt.datetime.utcnow)

        class Meta:
            database = db
            table_name = "annual_entry"
            indexes = ((("year", "unit_id"), True),)

    db.create_tables([AnnualEntry], safe=True)
