"""Reference data and its loaders: the CAMEO table, countries, the gazetteer, the actor and
verb dictionaries (`data/`), and the automaton helpers that match them in text. Pure: no Kafka."""
