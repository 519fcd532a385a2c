"""`minzheng <command>`: Django's management commands under the project's own name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings.dev")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    # `minzheng audit verify` / `minzheng exchange import DIR` read naturally; Django wants one word.
    if len(argv) >= 3 and argv[1] in {"audit", "exchange"} and not argv[2].startswith("-"):
        argv = [argv[0], f"{argv[1]}_{argv[2]}", *argv[3:]]
    if len(argv) >= 2 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")  # `minzheng demo-city` → command module demo_city
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
