#!/usr/bin/env python3
"""Validates a CSV from generate.py with pandas + pandera, using the rules of bench/dataset/note.md:
pandera_validate.py FILE.csv [--dates-as-text]. Prints the failure counts per check; exit 1 when
checks failed.

`created_at` is a timestamp: by default pandera coerces it (`pa.DateTime, coerce=True`), the
natural way to state it. When a value does not parse, pandera looks for the failure cases by
calling `to_datetime` on every element, one at a time, which on millions of rows takes hours.
`--dates-as-text` states the same rule as a regular expression on the text (ISO date-time),
pandera's fast path, so the comparison is with pandera at its best.

Reads the whole file with pandas.read_csv (the usual way pandera is used), then validates lazily
so every failure is collected, as `seam dataset validate` does.
"""
import sys

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

ISO_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"


def schema(dates_as_text):
    created_at = (
        pa.Column(str, nullable=False, checks=pa.Check.str_matches(ISO_TIMESTAMP))
        if dates_as_text
        else pa.Column(pa.DateTime, nullable=False, coerce=True)
    )
    return pa.DataFrameSchema(
        {
            "transaction_id": pa.Column(str, nullable=False, unique=True, checks=pa.Check.str_matches(r"^tx-[0-9]{10}$")),
            "account_id": pa.Column(int, nullable=False, checks=pa.Check.in_range(1, 1_000_000)),
            "amount": pa.Column(float, nullable=False, checks=pa.Check.in_range(0, 100_000)),
            "currency": pa.Column(str, nullable=False, checks=pa.Check.isin(["EUR", "USD", "GBP"])),
            "country": pa.Column(str, nullable=False, checks=pa.Check.isin(["DE", "FR", "NL", "ES", "IT", "PL", "SE"])),
            "channel": pa.Column(str, nullable=True, checks=pa.Check.isin(["web", "app", "pos"])),
            "merchant": pa.Column(str, nullable=False),
            "is_fraud": pa.Column(bool, nullable=False),
            "created_at": created_at,
            "note": pa.Column(str, nullable=True),
        },
        checks=pa.Check(lambda frame: len(frame) >= 1, name="row_count"),
        strict=True,
    )


def main():
    frame = pd.read_csv(sys.argv[1], dtype={"transaction_id": str, "currency": str, "country": str,
                                            "channel": str, "merchant": str, "note": str, "created_at": str})
    try:
        schema("--dates-as-text" in sys.argv[2:]).validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        summary = cases.groupby(["column", "check"], dropna=False).size()
        print(f"{len(frame)} rows; failing checks:")
        print(summary.to_string())
        return 1
    print(f"{len(frame)} rows; all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
