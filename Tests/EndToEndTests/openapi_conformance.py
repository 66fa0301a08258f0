#!/usr/bin/env python3
"""Checks NFON objects emitted by `callhook sim` against the NFON CTI API's
OpenAPI description: every field must be a property of the schema (`call` or
`state`), of its type, with a value from its enum; `updated` must be RFC 3339.

usage: openapi_conformance.py OPENAPI.yml calls.jsonl states.jsonl
Exit status 0 when every object conforms; one line per problem otherwise.
"""
import json
import re
import sys

import jsonschema
import yaml

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
K_ACCOUNT = re.compile(r"^K[0-9A-Z]+$")


def strict(schema):
    """The schema with no extra properties allowed and `<K-Account>` enums as a pattern."""
    props = {}
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        prop.pop("format", None)
        prop.pop("example", None)
        enum = prop.get("enum")
        if enum and "<K-Account>" in enum:
            others = [e for e in enum if e != "<K-Account>"]
            prop.pop("enum")
            prop["anyOf"] = [{"enum": others}, {"pattern": K_ACCOUNT.pattern}]
        props[name] = prop
    return {"type": "object", "properties": props, "additionalProperties": False}


def main():
    spec = yaml.safe_load(open(sys.argv[1]))
    schemas = spec["components"]["schemas"]
    problems = 0
    counts = {}
    for path, name in ((sys.argv[2], "call"), (sys.argv[3], "state")):
        validator = jsonschema.Draft7Validator(strict(schemas[name]))
        n = 0
        for lineno, line in enumerate(open(path), 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            n += 1
            for err in validator.iter_errors(obj):
                problems += 1
                print(f"{path}:{lineno}: {name}: {err.message}")
            if "updated" in obj and not RFC3339.match(obj["updated"]):
                problems += 1
                print(f"{path}:{lineno}: {name}: updated is not RFC 3339: {obj['updated']}")
        counts[name] = n
        if n == 0:
            problems += 1
            print(f"{path}: no {name} objects to check")
    print(f"checked {counts.get('call', 0)} call and {counts.get('state', 0)} state objects: {problems} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
