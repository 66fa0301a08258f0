"""Verifies callhook's webhook signatures with the reference Standard Webhooks
library. Input: a JSON file {"secret": ..., "requests": [{"headers": {...},
"body": "..."}]}. Prints one line per request and exits 1 if any fails."""
import json
import sys

from standardwebhooks.webhooks import Webhook

data = json.load(open(sys.argv[1]))
wh = Webhook(data["secret"])
failed = 0
for r in data["requests"]:
    try:
        wh.verify(r["body"], r["headers"])
        print("verified", r["headers"]["webhook-id"])
    except Exception as e:  # noqa: BLE001 - report every failure
        failed += 1
        print("FAILED", r["headers"].get("webhook-id"), e)
sys.exit(1 if failed else 0)
