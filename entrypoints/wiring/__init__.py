"""The one place that chooses and builds adapters: dishka providers grouped by layer.

`container.make_container` assembles them for `serve` and for every CLI command alike, so
a setting means the same thing everywhere. Tests swap the adapter providers only.
"""
