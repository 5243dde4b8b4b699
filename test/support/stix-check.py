"""Checks STIX 2.1 bundles as a partner would: the OASIS stix2-validator in strict mode, and
stix2.parse(..., allow_custom=False). Reads bundle files named on the command line; prints one JSON
line per file: {"file", "errors", "warnings", "messages", "parsed", "parse_error", "plain_dicts"}.
Run by services/sharing/stix-python.test.ts from the virtual environment it creates under .local/."""
import json
import sys

import stix2
from stix2validator import ValidationOptions, validate_string


def check(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    options = ValidationOptions(strict=True, version="2.1")
    results = validate_string(text, options)
    errors, warnings, messages = 0, 0, []
    for obj in results if isinstance(results, list) else [results]:
        errors += len(obj.errors or [])
        warnings += len(obj.warnings or [])
        messages += [f"{obj.object_id}: {e}" for e in obj.errors or []]
        messages += [f"{obj.object_id}: warning {w}" for w in obj.warnings or []]
        if not obj.is_valid and not obj.errors:
            errors += 1
            messages.append(f"{obj.object_id}: invalid")
    parsed, parse_error, plain = False, "", []
    try:
        bundle = stix2.parse(text, allow_custom=False, version="2.1")
        parsed = True
        plain = [o.get("id") for o in bundle.objects if isinstance(o, dict)]
    except Exception as e:  # noqa: BLE001 - report any refusal as data
        parse_error = f"{type(e).__name__}: {e}"[:500]
    return {
        "file": path,
        "errors": errors,
        "warnings": warnings,
        "messages": messages[:50],
        "parsed": parsed,
        "parse_error": parse_error,
        "plain_dicts": plain,
    }


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps(check(p)), flush=True)
