"""The air plan: approved audio, the schedule and history in; stored day plans out.

``service`` plans, stores, withdraws and publishes (the CLI, the panel and the demo
call it); ``store`` reads and writes day plans; ``alerts`` places emergency alerts
into them; ``report`` explains a plan in plain text.
"""
