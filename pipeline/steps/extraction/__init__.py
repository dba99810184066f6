"""Event extraction: from one article's text to CAMEO-coded `ExtractedEvent`s.

`extract.extract_events` is the entry point (the default `WIRESTREAM_EXTRACTOR`). It builds one
`text.ArticleText` per article and hands it to the components: the dictionary scan, actor
phrases, coreference, verb hits, and the per-sentence event coding with its embedding rules,
dates and places. Pure: no Kafka, Faust or Prometheus."""
