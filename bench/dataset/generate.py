#!/usr/bin/env python3
"""Writes a CSV matching bench/dataset/note.md: generate.py OUT.csv --bytes N [--seed S].

One row in a million carries a planted violation (amount out of range, unknown currency, a bad
timestamp, a repeated transaction id), so both validators have failures to report. Standard
library only, so the smoke test runs anywhere Python 3 does.
"""
import argparse
import random

COUNTRIES = ["DE", "FR", "NL", "ES", "IT", "PL", "SE"]
CURRENCIES = ["EUR", "EUR", "EUR", "USD", "GBP"]
CHANNELS = ["web", "app", "pos", ""]
MERCHANTS = [f"merchant-{n:05d}" for n in range(5000)] + ['"Café, Bäckerei & Co"', '"Shop ""Nord"""']
NOTES = ["", "", "", "", "refund requested", '"two lines\nof text"', "chargeback"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--bytes", type=int, required=True, help="stop after writing at least this many bytes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    written = 0
    row = 0
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        header = "transaction_id,account_id,amount,currency,country,channel,merchant,is_fraud,created_at,note\n"
        out.write(header)
        written += len(header.encode())
        while written < args.bytes:
            lines = []
            for _ in range(10000):
                row += 1
                amount = f"{rng.random() * 2000:.2f}"
                currency = rng.choice(CURRENCIES)
                stamp = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
                tx = f"tx-{row:010d}"
                if row % 1_000_000 == 17:
                    amount = "-12.50"
                elif row % 1_000_000 == 18:
                    currency = "CHF"
                elif row % 1_000_000 == 19:
                    stamp = "31/12/2025"
                elif row % 1_000_000 == 20:
                    tx = f"tx-{row - 1:010d}"
                lines.append(
                    f"{tx},{rng.randint(1, 1_000_000)},{amount},{currency},{rng.choice(COUNTRIES)},"
                    f"{rng.choice(CHANNELS)},{rng.choice(MERCHANTS)},{'true' if rng.random() < 0.01 else 'false'},"
                    f"{stamp},{rng.choice(NOTES)}\n"
                )
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk.encode())
    print(f"{args.out}: {row} rows, {written} bytes")


if __name__ == "__main__":
    main()
