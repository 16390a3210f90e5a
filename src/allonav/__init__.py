"""allonav: navigation to off-the-shelf (allogeneic) CAR-T and CAR-NK programmes."""

__version__ = "0.1.0"
