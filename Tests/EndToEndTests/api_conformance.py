#!/usr/bin/env python3
"""Keeps docs/openapi.yaml true.

usage: api_conformance.py validate OPENAPI.yaml
       api_conformance.py fuzz OPENAPI.yaml BASE_URL INGEST_TOKEN ADMIN_TOKEN WORKDIR

`validate` checks the description with openapi-spec-validator (OpenAPI 3.1).
`fuzz` runs schemathesis against a running `callhook run` with both tokens:
no 5xx, every status code, content type, header and body as described.
Bounded: a few examples per operation and a time budget, so it stays well
under a minute. The agents endpoints (`/v1/agents/events`, `/agent`) are
described but not fuzzed until they exist in the daemon.
Exit status 0 when everything conforms.
"""
import os
import sys


def validate(path):
    from openapi_spec_validator import validate as check
    from openapi_spec_validator.readers import read_from_filename

    spec, _ = read_from_filename(path)
    check(spec)
    print(f"{path}: valid OpenAPI {spec['openapi']}")


def fuzz(path, base, ingest, admin, workdir):
    from schemathesis.cli import schemathesis

    config = os.path.join(workdir, "schemathesis.toml")
    with open(config, "w") as f:
        f.write(
            f"""
[auth.openapi.ingestToken]
bearer = "{ingest}"
[auth.openapi.ingestQueryToken]
api_key = "{ingest}"
[auth.openapi.adminToken]
bearer = "{admin}"
"""
        )
    args = [
        "--config-file", config, "run", path, "--url", base,
        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
        "response_headers_conformance,response_schema_conformance",
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", "15", "--max-time", "30", "--workers", "1",
        "--generation-deterministic",
        # Not in the daemon yet (the agents work adds them); described only.
        "--exclude-path", "/v1/agents/events", "--exclude-path", "/agent",
        "--request-timeout", "20",
    ]
    # schemathesis keeps a cache in the working directory: the test's own.
    spec = os.path.abspath(path)
    args[args.index(path)] = spec
    os.chdir(workdir)
    sys.argv = ["schemathesis"] + args
    schemathesis()


if __name__ == "__main__":
    if sys.argv[1] == "validate":
        validate(sys.argv[2])
    else:
        fuzz(*sys.argv[2:7])
