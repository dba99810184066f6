"""Article deduplication: exact and near copies (MinHash/LSH, `near_dup`), stories
(`stories`), and the index over a key-value store that decides each article (`article_index`)."""
