"""Planning: stations and their slots, campaigns, and the pure planner that fills slots.

``stations``/``slots``/``campaigns`` load and check the schedule YAML;
``plans`` holds the plain data in and out; ``planner`` applies the rules;
``coverage`` forecasts whether a campaign's goal will be met.
"""
