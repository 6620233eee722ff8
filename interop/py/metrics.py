"""Parses Prometheus text exposition from standard input with the reference Python client's
parser and prints one JSON object per sample: family, type, sample name, labels, value.
A text the parser rejects ends the script with an error (exit status 1)."""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> None:
    text = sys.stdin.read()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            print(
                json.dumps(
                    {
                        "family": family.name,
                        "type": family.type,
                        "help": family.documentation,
                        "name": sample.name,
                        "labels": sample.labels,
                        "value": sample.value,
                    }
                )
            )


if __name__ == "__main__":
    main()
