"""Import templates: an example file per kind (``import-formats.md``) with the Swedish column
headers a coordinator sees in Excel and one fictitious example row that the import accepts,
saved from the import panel to fill in. No real person is in them: the employee number and
dates are invented and the personal identity number column is left empty."""

from __future__ import annotations

import csv
import datetime as dt
import io

from hrvdesk.domain.import_formats import SCHEMAS

#: kind -> one example row by column name (the Swedish codes, as an export from Excel has them)
EXAMPLES: dict[str, dict[str, str]] = {
    "abroad": {"case_ref": "EXEMPEL-1", "reported_by": "SOC", "known_date": "{day}",
               "departure_date": "{month}", "gender": "flicka", "birth_year": "{birth_year}",
               "purposes": "barnäktenskap|uppfostringsresa", "honour_link": "misstänkt",
               "destination": "IQ", "status": "utomlands", "reported_married": "nej",
               "actions": "orosanmälan|skoluppföljning", "follow_up_date": "{later}",
               "notes": "Exempelrad: ta bort den innan import"},
    "training": {"person_id": "E10001", "administration": "UBF", "unit": "Exempelskolan",
                 "training": "Grundkurs om hedersrelaterat våld och förtryck", "topics": "heder",
                 "format": "webb", "completed_date": "{day}", "hours": "1,5"},
    "headcount": {"year": "{year}", "administration": "UBF", "headcount": "3050",
                  "target_group": "2600", "unit": ""},
}


def template_csv(kind: str, today: dt.date | None = None) -> bytes:
    """The template of ``kind`` as CSV bytes (UTF-8 with BOM, ``;``: opens in Swedish Excel)."""
    today = today or dt.date.today()
    values = {"day": (today - dt.timedelta(days=7)).isoformat(), "month": today.strftime("%Y-%m"),
              "later": (today + dt.timedelta(days=14)).isoformat(), "year": str(today.year),
              "birth_year": str(today.year - 14)}
    schema, example = SCHEMAS[kind], EXAMPLES[kind]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.sv_name for c in schema.columns])
    writer.writerow([example.get(c.name, "").format(**values) for c in schema.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
