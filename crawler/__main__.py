"""`python -m crawler ARGS` is `yuqing crawl ARGS`: the service runs each crawl in a child process this way,
because Twisted's reactor cannot be started twice in one process. (`commands` holds the one `crawl` command, so
Typer runs it directly.)"""

import sys

from crawler.commands import commands

commands(args=sys.argv[1:], prog_name="yuqing crawl")
