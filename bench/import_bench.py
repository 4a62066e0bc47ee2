"""Benchmark of the employee import (asn_portal.importing): a valid 15,000-row spreadsheet
imported three times — all new, the same file again (all unchanged), and with every row
changed (all updates) — against the 60-second budget of the issue; and, first, the same
records written with one save() per row, against the bulk import (`row_by_row_comparison`).

    .venv/bin/python bench/import_bench.py                 # SQLite (a throwaway file in /tmp)
    DATABASE_URL=postgres://app:app@127.0.0.1:5433/bench .venv/bin/python bench/import_bench.py

It never touches the configured database itself: like the test runner it creates a
throwaway one (test_<name> on PostgreSQL, a file under /tmp on SQLite), migrates it, and
drops it at the end. Units are created here (20 OPDs with 4 sub-units each), since a fresh
database has no demo city. Prints seconds, rows/s and the ratio to the budget (< 1 is good),
and the ratio of row-by-row saves to the bulk import (> 1: the import is that many times faster).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asn_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

BUDGET_SECONDS = 60.0


def make_units(opds: int = 20, children: int = 4) -> list[str]:
    from asn_portal import services
    from asn_portal.models import OrgUnitKind

    codes = []
    for i in range(1, opds + 1):
        opd = services.create_org_unit(
            code=f"BENCH-{i:02d}", name=f"Dinas Bench {i}", kind=OrgUnitKind.DINAS, parent=None, by=None
        )
        codes.append(opd.code)
        for j in range(1, children + 1):
            child = services.create_org_unit(
                code=f"BENCH-{i:02d}-{j}",
                name=f"Bidang {j} Dinas Bench {i}",
                kind=OrgUnitKind.BIDANG,
                parent=opd,
                by=None,
            )
            codes.append(child.code)
    return codes


POSITIONS = [
    ("Pengadministrasi Umum", "pelaksana", ""),
    ("Pengelola Keuangan", "pelaksana", ""),
    ("Analis Kebijakan", "fungsional_keahlian", "ahli_pertama"),
    ("Analis Kebijakan", "fungsional_keahlian", "ahli_muda"),
    ("Pranata Komputer", "fungsional_keterampilan", "terampil"),
    ("Kepala Seksi", "pengawas", ""),
    ("Kepala Bidang", "administrator", ""),
]
RANKS = ["II/a", "II/c", "III/a", "III/b", "III/c", "III/d", "IV/a"]
EDUCATION = ["SMA", "D-III", "S-1", "S2", "SMK", "D4"]


def make_rows(count: int, unit_codes: list[str], today: dt.date) -> list[list]:
    """`count` valid rows. Every block of ten rows has its supervisor as the block's LAST
    row, so nine of ten supervisors are later rows (the second pass of the writer)."""
    rows = []
    base = dt.date(1965, 1, 1)
    for i in range(count):
        born = base + dt.timedelta(days=(i // 900) * 37 + (i % 900) // 30)
        serial = i % 900 + 1  # with the birth date, unique per row
        tmt_year = born.year + 22 + i % 7
        tmt_month = i % 12 + 1
        gender = "1" if i % 2 == 0 else "2"
        kind = i % 10
        if kind == 8:
            employment = "PPPK"
            nip = f"{born:%Y%m%d}{tmt_year}21{gender}{serial:03d}"
            golongan, tmt_cpns, tmt_pns, tmt_rank = str(5 + i % 8), "", "", ""
        else:
            employment = "CPNS" if kind == 9 else "PNS"
            nip = f"{born:%Y%m%d}{tmt_year}{tmt_month:02d}{gender}{serial:03d}"
            golongan = RANKS[i % len(RANKS)]
            tmt_cpns = f"{tmt_year}-{tmt_month:02d}-01"
            tmt_pns = f"{tmt_year + 1}-{tmt_month:02d}-01" if employment == "PNS" else ""
            tmt_rank = f"{min(tmt_year + 4, today.year - 1)}-04-01"
        name, position_kind, jenjang = POSITIONS[i % len(POSITIONS)]
        rows.append(
            [
                nip,
                f"Pegawai Bench {i}",
                "",
                "S.E." if i % 3 == 0 else "",
                employment,
                unit_codes[(i // 10) % len(unit_codes)],
                name,
                position_kind,
                jenjang,
                golongan,
                tmt_rank,
                EDUCATION[i % len(EDUCATION)],
                tmt_cpns,
                tmt_pns,
                "",  # nip_atasan, below
                f"pegawai{i}@bench.go.id",
                f"08{i:010d}",
            ]
        )
    for start in range(0, count, 10):
        block = rows[start : start + 10]
        boss = block[-1][0]
        for row in block[:-1]:
            row[14] = boss
    return rows


def workbook(rows: list[list]) -> bytes:
    import openpyxl

    from asn_portal.importing import COLUMNS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Pegawai")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_shared_strings(xlsx: bytes) -> bytes:
    """The same workbook as Excel saves it: strings in xl/sharedStrings.xml, cells pointing
    at them. openpyxl writes inline strings instead, which it reads back several times more
    slowly; files people upload come from Excel or LibreOffice, which write shared strings."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx))
    strings: dict[bytes, int] = {}

    def shared(match) -> bytes:
        index = strings.setdefault(match[3], len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match[1], match[2] or b"", index)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t>(.*?)</t></is></c>', shared, data)
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            target.writestr(item, data)
        items = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">%s</sst>'
            % (len(strings), items),
        )
    return out.getvalue()


def timed_import(content: bytes, label: str, rows: int) -> dict:
    from asn_portal.importing import import_employees

    started = time.perf_counter()
    result = import_employees(io.BytesIO(content), filename="bench.xlsx", actor=None, opd_ids=None)
    seconds = time.perf_counter() - started
    if not result.ok:
        for error in result.errors[:20]:
            print("  ", error)
        raise SystemExit(f"{label}: the bench file was refused ({len(result.errors)} problems)")
    print(
        f"{label:<28} {seconds:7.2f} s  {rows / seconds:8.0f} rows/s  ratio to {BUDGET_SECONDS:.0f} s budget: "
        f"{seconds / BUDGET_SECONDS:.3f}  (created {result.created}, updated {result.updated}, "
        f"unchanged {result.unchanged})"
    )
    return {"label": label, "seconds": seconds, "result": result}


def row_by_row_comparison(content: bytes, rows: int) -> None:
    """The bulk import against row-by-row saves of the same records, both rolled back.

    First the real import runs (timed) inside a transaction; the positions, accounts and
    employees it created are read back, and the transaction is rolled back. Then the same
    records are written again one `Model.save(force_insert=True)` each (an INSERT per row, with
    the models' save() and signals, the audit trail included, as a naive importer would), in
    one transaction, in the order the import inserted them (supervisors first), and rolled
    back too. The row-by-row side skips reading and checking the file, which the import's time
    includes, so the ratio understates the import's advantage."""
    from django.db import transaction

    from asn_portal.importing import import_employees
    from asn_portal.models import Employee, Position, User

    class Rollback(Exception):
        pass

    def snapshot(model, since: int) -> list[dict]:
        fields = [f.attname for f in model._meta.concrete_fields]
        return list(model.objects.filter(pk__gt=since).order_by("pk").values(*fields))

    # Warm up (reference data, translations, the reader) with a check-only run.
    import_employees(io.BytesIO(content), filename="bench.xlsx", actor=None, opd_ids=None, dry_run=True)
    marks = {
        model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in (Position, User, Employee)
    }
    try:
        with transaction.atomic():
            started = time.perf_counter()
            result = import_employees(io.BytesIO(content), filename="bench.xlsx", actor=None, opd_ids=None)
            bulk_seconds = time.perf_counter() - started
            if not result.ok:
                raise SystemExit("row-by-row comparison: the bench file was refused")
            created = {model: snapshot(model, marks[model]) for model in (Position, User, Employee)}
            raise Rollback
    except Rollback:
        pass
    saved = 0
    try:
        with transaction.atomic():
            started = time.perf_counter()
            for model in (Position, User, Employee):
                for values in created[model]:
                    model(**values).save(force_insert=True)
                    saved += 1
            row_seconds = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    print(
        f"{'bulk import (all new)':<28} {bulk_seconds:7.2f} s  {rows / bulk_seconds:8.0f} rows/s  (reads, checks and "
        f"writes {rows} rows)"
    )
    print(
        f"{'row-by-row saves':<28} {row_seconds:7.2f} s  {rows / row_seconds:8.0f} rows/s  ({saved} records: "
        f"{len(created[Position])} positions, {len(created[User])} accounts, {len(created[Employee])} employees, "
        "one INSERT each, writing only)"
    )
    print(f"ratio row-by-row / bulk import: {row_seconds / bulk_seconds:.1f}x (higher is better for the import)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=15_000)
    parser.add_argument("--no-row-by-row", action="store_true", help="skip the comparison with row-by-row saves")
    args = parser.parse_args()

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        settings_dict.setdefault("TEST", {})["NAME"] = str(Path(tempfile.gettempdir()) / "sigap-import-bench.sqlite3")
    old_name = settings_dict["NAME"]
    started = time.perf_counter()
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"database: {connection.vendor} ({test_name}), migrated in {time.perf_counter() - started:.1f} s")
    try:
        units = make_units()
        today = timezone.localdate()
        started = time.perf_counter()
        rows = make_rows(args.rows, units, today)
        content = workbook(rows)
        print(
            f"file: {args.rows} rows, {len(content) / 1e6:.1f} MB .xlsx, built in {time.perf_counter() - started:.1f} s"
        )
        excel_like = with_shared_strings(content)
        if not args.no_row_by_row:
            row_by_row_comparison(excel_like, args.rows)
        first = timed_import(excel_like, "first import (all new)", args.rows)
        timed_import(excel_like, "same file again (unchanged)", args.rows)
        timed_import(content, "  same, openpyxl-written", args.rows)
        for row in rows:
            row[16] = row[16][:-1] + ("9" if row[16][-1] != "9" else "8")
        timed_import(with_shared_strings(workbook(rows)), "every row changed (updates)", args.rows)
        verdict = "within" if first["seconds"] < BUDGET_SECONDS else "OVER"
        print(f"first import {verdict} the {BUDGET_SECONDS:.0f} s budget")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
