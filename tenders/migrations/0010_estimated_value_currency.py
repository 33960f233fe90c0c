"""The currency of a tender's and a lot's estimated value: imported notices are not all in NOK."""

import django.core.validators
from django.db import migrations, models

CURRENCY_FIELD = dict(
    default="NOK",
    max_length=3,
    validators=[
        django.core.validators.RegexValidator(
            "^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code, such as NOK or EUR."
        )
    ],
    verbose_name="currency of the estimated value",
)


class Migration(migrations.Migration):
    dependencies = [
        ("tenders", "0008_criterion_kind_and_climate_consideration"),
    ]

    operations = [
        migrations.AddField(
            model_name="tender",
            name="estimated_value_currency",
            field=models.CharField(**CURRENCY_FIELD),
        ),
        migrations.AddField(
            model_name="lot",
            name="estimated_value_currency",
            field=models.CharField(**CURRENCY_FIELD),
        ),
    ]
