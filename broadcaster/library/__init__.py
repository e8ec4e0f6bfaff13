"""The bulletin library: YAML files in, validated bulletins out; edits written back atomically."""
