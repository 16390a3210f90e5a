"""Use-cases: what the CLI and the web app call. They wire edges (store, ingest) to the pure engines."""
