"""The press-office web console: the board of deadlines, the cases and their actions, posts, sources, briefings
and timeliness, for the roles of `yuqing.users` (a department sees only its own cases, enforced on the server),
with a JSON API under `/api` on the same rules.

Pages are rendered on the server (Jinja2) with a little plain JavaScript for the countdowns and the board's
refresh; every asset is served from `static/` (offices run it without the internet). Cases are read through
`yuqing.caseview` and changed through the responder's own functions (`responder.lifecycle`), the ones
`yuqing cases …` calls, so the console and the command line cannot disagree.
"""
