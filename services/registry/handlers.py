"""Events the registry consumes: none yet (it is the source of units and accounts)."""
HANDLERS: dict = {}
