"""The web edge: FastAPI app, JSON API and server-rendered pages."""
