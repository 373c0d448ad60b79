"""The wiring on top of the stages: the `yuqing` command, the service that schedules every stage's jobs, and
the web app. It imports the stages; no stage imports it."""
