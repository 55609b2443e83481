"""From results.json to what a reader sees: the report, the history and its index, findings, shard merges."""
