"""`python -m crawler ARGS` is `yuqing crawl ARGS`: the service runs each crawl in a child process this way,
because Twisted's reactor cannot be started twice in one process."""

import sys

from yuqing.cli import app

app(args=["crawl", *sys.argv[1:]], prog_name="yuqing")
