"""The use cases every face shares (CLI today, HTTP tomorrow): loading the embedded data and
wiring the engines to it. Only ``data/`` and ``services/`` read files."""
