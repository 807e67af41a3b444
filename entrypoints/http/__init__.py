"""The HTTP API (Litestar): routes per resource, msgspec structs, dishka providers."""
