"""CI: the job matrix (one entry per sibling, or balanced shards) and the merge of the shards'
runs into one report."""
