"""`python -m crawler ARGS` is `yuqing crawl ARGS`: the service runs each crawl in a child process this way,
because Twisted's reactor cannot be started twice in one process. It runs the crawler's own command, so the
stage never imports the CLI that gathers every stage's commands."""

from crawler.commands import commands

commands(prog_name="yuqing crawl")
